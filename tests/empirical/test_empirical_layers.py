"""Edge-Popup layers: realised sparsity, frozen entries stay frozen, straight-through gradients."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from empirical.freezing import FreezeState  # noqa: E402
from empirical.init import InitSpec  # noqa: E402
from empirical.layers import (  # noqa: E402
    SupermaskConfig,
    SupermaskConv2d,
    SupermaskLinear,
    attach_threshold_hook,
    initialize,
    realised_sparsity,
    supermask_layers,
    update_thresholds,
)
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)


def small_net():
    return nn.Sequential(SupermaskConv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
                         SupermaskLinear(8 * 6 * 6, 20), nn.ReLU(), SupermaskLinear(20, 4))


def states(model):
    return [m.freeze_state.clone() for _, m in supermask_layers(model)]


@pytest.mark.parametrize("threshold", ["global", "layer"])
@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("p, lock", [(0.0, 0.0), (0.3, 0.0), (0.2, 0.3)])
def test_frozen_entries_stay_and_sparsity_holds_over_training(threshold, compact, p, lock):
    torch.manual_seed(0)
    model = initialize(small_net(), SupermaskConfig(
        seed=1, sparsity=0.6, prune_ratio=p, lock_ratio=lock, threshold=threshold,
        compact_scores=compact))
    opt = torch.optim.SGD([q for q in model.parameters() if q.requires_grad], lr=0.5, momentum=0.9)
    attach_threshold_hook(opt, model)
    x, y = torch.randn(16, 3, 6, 6), torch.randint(0, 4, (16,))
    before = [m.mask().clone() for _, m in supermask_layers(model)]
    for _ in range(5):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        total, per_layer = realised_sparsity(model)
        n = sum(m.numel for _, m in supermask_layers(model))
        assert total == pytest.approx(round(0.6 * n) / n, abs=1e-12)
        for (_, m), s in zip(supermask_layers(model), per_layer):
            mask = m.mask()
            assert torch.all(mask[m.freeze_state == FreezeState.PRUNED] == 0)
            assert torch.all(mask[m.freeze_state == FreezeState.LOCKED] == 1)
            if threshold == "layer":
                assert s == round(0.6 * m.numel) / m.numel
    after = [m.mask() for _, m in supermask_layers(model)]
    assert any(not torch.equal(a, b) for a, b in zip(before, after)), "the search moved nothing"


def test_scores_get_straight_through_gradients():
    model = initialize(nn.Sequential(SupermaskLinear(5, 3)), SupermaskConfig(sparsity=0.5))
    layer = model[0]
    x = torch.randn(7, 5)
    model(x).sum().backward()
    # d/d|s| of sum(x (w*m)^T) is the gradient of the mask: w * sum_b x_b, for kept AND dropped
    expected = (layer.weight * x.sum(0)).flatten() * torch.sign(layer.scores.detach())
    assert torch.allclose(layer.scores.grad, expected, atol=1e-6)
    assert torch.count_nonzero(layer.scores.grad) == layer.numel


def test_compact_scores_live_only_on_free_entries():
    cfg = SupermaskConfig(sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2)
    model = initialize(small_net(), cfg)
    for _, m in supermask_layers(model):
        assert m.scores.numel() == int((m.freeze_state == FreezeState.FREE).sum())
    full = initialize(small_net(), SupermaskConfig(**{**cfg.to_json(), "compact_scores": False}))
    x = torch.randn(2, 3, 6, 6)
    assert torch.equal(model(x), full(x)), "compact and full scores give the same ticket"


def test_linear_is_a_true_linear_layer():
    model = initialize(nn.Sequential(SupermaskLinear(4, 3)), SupermaskConfig(sparsity=0.0))
    x = torch.randn(2, 4)
    assert torch.allclose(model(x), x @ model[0].weight.T)


def test_weight_training_mode_keeps_pruned_at_zero():
    model = initialize(small_net(), SupermaskConfig(prune_ratio=0.5, method="weights"))
    opt = torch.optim.SGD([q for q in model.parameters() if q.requires_grad], lr=0.1)
    model(torch.randn(4, 3, 6, 6)).sum().backward()
    opt.step()
    assert realised_sparsity(model)[0] == pytest.approx(0.5, abs=1e-3)


def test_seeded_model_is_reproducible():
    cfg = SupermaskConfig(seed=5, sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2,
                          init=InitSpec("signed_kaiming_constant"), allocation="erk")
    a, b = initialize(small_net(), cfg), initialize(small_net(), cfg)
    for (_, la), (_, lb) in zip(supermask_layers(a), supermask_layers(b)):
        assert torch.equal(la.weight, lb.weight) and torch.equal(la.freeze_state, lb.freeze_state)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sparsity=0.3, prune_ratio=0.4), "prune_ratio"),
    (dict(sparsity=0.7, lock_ratio=0.4), "lock_ratio"),
    (dict(sparsity=1.0), "sparsity"),
    (dict(threshold="median"), "threshold"),
    (dict(prune_ratio=0.5, lock_ratio=0.5, sparsity=0.5), "freeze_ratio"),
])
def test_bad_configs(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        SupermaskConfig(**kwargs)


def test_layerwise_threshold_refuses_an_unreachable_layer():
    with pytest.raises(InvalidParameterError, match="layer-wise"):
        initialize(small_net(), SupermaskConfig(sparsity=0.4, prune_ratio=0.4, threshold="layer",
                                                allocation="erk"))


def test_update_without_steps_is_idempotent():
    model = initialize(small_net(), SupermaskConfig(sparsity=0.5, lock_ratio=0.2))
    t = [m.threshold.clone() for _, m in supermask_layers(model)]
    update_thresholds(model)
    assert all(torch.equal(a, m.threshold) for a, (_, m) in zip(t, supermask_layers(model)))


def reference_global_mask(model, sparsity):
    """Slow twin of the global threshold: rank all weights with PRUNED at -inf, LOCKED at +inf,
    keep the top (1 - sparsity) share of the network by a full sort."""
    keys = []
    for _, m in supermask_layers(model):
        s = torch.zeros(m.numel)
        free = m.freeze_state.flatten() == FreezeState.FREE
        s[free] = m.free_abs_scores()
        s[m.freeze_state.flatten() == FreezeState.PRUNED] = -float("inf")
        s[m.freeze_state.flatten() == FreezeState.LOCKED] = float("inf")
        keys.append(s)
    allk = torch.cat(keys)
    n_keep = allk.numel() - round(sparsity * allk.numel())
    keep = torch.zeros(allk.numel(), dtype=torch.bool)
    keep[torch.sort(allk, descending=True, stable=True).indices[:n_keep]] = True
    return list(torch.split(keep, [m.numel for _, m in supermask_layers(model)]))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.floats(0.05, 0.95), st.floats(0, 1), st.floats(0, 1),
       st.sampled_from(["uniform", "erk", "epl", "igq"]), st.booleans())
def test_global_threshold_matches_full_sort(seed, sparsity, a, b, allocation, compact):
    prune = sparsity * a * 0.99
    lock = (1 - sparsity) * b * 0.99
    model = initialize(small_net(), SupermaskConfig(
        seed=seed, sparsity=sparsity, prune_ratio=prune, lock_ratio=lock,
        allocation=allocation, compact_scores=compact))
    for (_, m), ref in zip(supermask_layers(model), reference_global_mask(model, sparsity)):
        assert torch.equal(m.mask().flatten().bool(), ref)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sparsity="0.5"), "sparsity"),
    (dict(sparsity=float("nan")), "sparsity"),
    (dict(compact_scores="no"), "compact_scores"),
    (dict(compact_scores=0), "compact_scores"),
    (dict(seed=True), "seed"),
    (dict(seed=-1), "seed"),
    (dict(allocation=["erk"]), "allocation"),
    (dict(lock_method="proportional"), "lock_method"),
    (dict(dynamic_scaling="yes"), "dynamic_scaling"),
    (dict(dynamic_scaling=True, init=InitSpec(scale_by_density=True)), "choose one"),
    (dict(oracle_density="0.5"), "oracle_density"),
    (dict(oracle_density=[0.5, 1.5]), "oracle_density"),
    (dict(prune_ratio=float("inf")), "prune_ratio"),
])
def test_bad_config_types(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        SupermaskConfig(**kwargs)


def test_dynamic_scaling_divides_by_the_root_of_the_layer_density():
    cfg = SupermaskConfig(sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2, dynamic_scaling=True,
                          init=InitSpec("signed_kaiming_constant"))
    model = initialize(small_net(), cfg)
    for _, m in supermask_layers(model):
        mask = m.mask().detach()
        density = float(mask.mean())
        assert 0 < density < 1
        expected = m.weight * mask / density ** 0.5
        assert torch.allclose(m.effective_weight(), expected, rtol=1e-6)
    plain = initialize(small_net(), SupermaskConfig(**{**cfg.to_json(), "dynamic_scaling": False}))
    x = torch.randn(3, 3, 6, 6)
    assert not torch.allclose(model(x), plain(x))


def test_dynamic_scaling_survives_the_ticket_file(tmp_path):
    from empirical.models import build_model
    from empirical.ticket import export_dense, load_ticket, save_ticket
    model = initialize(build_model("mlp", in_features=6, hidden=[12, 12], out_features=3),
                       SupermaskConfig(sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2,
                                       dynamic_scaling=True)).eval()
    save_ticket(model, tmp_path / "t.fslt")
    x = torch.randn(4, 6)
    assert torch.equal(load_ticket(tmp_path / "t.fslt")(x), model(x))
    assert torch.allclose(export_dense(model)(x), model(x), atol=1e-6)


def test_oracle_density_must_match_the_layers():
    with pytest.raises(InvalidParameterError, match="supermask layers"):
        initialize(small_net(), SupermaskConfig(prune_ratio=0.3, oracle_density=(0.5, 0.5)))


def test_oracle_config_uses_the_ticket_densities():
    from empirical.freezing import oracle_counts
    dens = (0.2, 0.5, 0.9)
    cfg = SupermaskConfig(sparsity=0.5, prune_ratio=0.25, lock_ratio=0.25, oracle_density=dens,
                          allocation="uniform")
    model = initialize(small_net(), cfg)
    shapes = [m.weight_shape for _, m in supermask_layers(model)]
    for (_, m), (n_pruned, n_locked) in zip(supermask_layers(model),
                                            oracle_counts(shapes, dens, 0.5, "uniform")):
        assert int((m.freeze_state == FreezeState.PRUNED).sum()) == n_pruned
        assert int((m.freeze_state == FreezeState.LOCKED).sum()) == n_locked


def test_an_unreachable_global_sparsity_is_refused():
    # An oracle taken from a ticket that kept everything locks the whole frozen share (0.8),
    # more than a ticket of sparsity 0.9 keeps.
    with pytest.raises(InvalidParameterError, match="cannot give a sparsity"):
        initialize(small_net(), SupermaskConfig(sparsity=0.9, prune_ratio=0.4, lock_ratio=0.4,
                                                oracle_density=(1.0, 1.0, 1.0)))
