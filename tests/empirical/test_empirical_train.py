"""Training runs: hash-named folders, skip when finished, resume to the same result, baselines."""

import json
import os

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from empirical import train as T  # noqa: E402
from empirical.ticket import load_ticket  # noqa: E402
from slt_theory.errors import InvalidParameterError  # noqa: E402

torch.set_num_threads(1)


def hparams(kind="frozen_source", epochs=2, **model):
    return T.RunHparams(
        data=T.DataHparams(batch_size=128),
        model=T.ModelHparams(hidden=(32,), **model),
        supermask=T.baseline(kind, sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
        train=T.TrainHparams(epochs=epochs, schedule="cosine", lr=0.2))


def strip(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def test_resumed_run_equals_uninterrupted(tmp_path):
    hp = hparams(batch_norm=True)
    full = T.train(hp, tmp_path / "a", progress=False)
    stopped = T.train(hp, tmp_path / "b", progress=False, stop_after=1)
    assert stopped["stopped_at"] == 1
    resumed = T.train(hp, tmp_path / "b", progress=False)
    assert strip([full["final"]]) == strip([resumed["final"]])
    ha = json.loads((tmp_path / "a" / hp.hash / "metrics.json").read_text())
    hb = json.loads((tmp_path / "b" / hp.hash / "metrics.json").read_text())
    assert strip(ha) == strip(hb) and len(ha) == 2
    a = torch.load(tmp_path / "a" / hp.hash / "checkpoint.pt", weights_only=True)["model"]
    b = torch.load(tmp_path / "b" / hp.hash / "checkpoint.pt", weights_only=True)["model"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_finished_run_is_skipped_and_ticket_reloads(tmp_path):
    hp = hparams(epochs=1)
    first = T.train(hp, tmp_path, progress=False)
    mtime = os.path.getmtime(tmp_path / hp.hash / "summary.json")
    assert T.train(hp, tmp_path, progress=False) == first
    assert os.path.getmtime(tmp_path / hp.hash / "summary.json") == mtime
    model = load_ticket(tmp_path / hp.hash / "ticket.fslt")
    assert first["ticket_bytes"] == os.path.getsize(tmp_path / hp.hash / "ticket.fslt")
    assert sum(m.numel() for m in model.parameters()) > 0
    assert abs(first["final"]["sparsity"] - 0.6) < 1e-3


def test_folder_name_is_the_hash_of_the_hyperparameters():
    a, b = hparams(), hparams()
    assert a.hash == b.hash and len(a.hash) == 16
    assert hparams(epochs=3).hash != a.hash
    assert T.RunHparams.from_json(a.to_json()) == a


@pytest.mark.parametrize("kind", T.BASELINES)
def test_baselines_run(tmp_path, kind):
    out = T.train(hparams(kind, epochs=1), tmp_path, progress=False)
    bits = out["size_bits"]["mask_only"]
    assert bits["dense_weights"] == 32 * out["n_weights"]
    if kind == "dense_source":
        assert out["n_free"] == out["n_weights"]


def test_bad_hyperparameters(tmp_path):
    with pytest.raises(InvalidParameterError, match="epochs"):
        T.TrainHparams(epochs=0)
    with pytest.raises(InvalidParameterError, match="dataset"):
        T.DataHparams(dataset="mnist")
    with pytest.raises(InvalidParameterError, match="baseline"):
        T.baseline("lottery")
    with pytest.raises(InvalidParameterError, match="image data"):
        T.train(T.RunHparams(model=T.ModelHparams(name="conv6")), tmp_path,
                progress=False)


def test_cli_does_not_import_torch_and_trains(tmp_path, capsys):
    import subprocess
    import sys
    code = ("import sys; import empirical.cli as c; c.build_parser(); "
            "sys.exit(int('torch' in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    from empirical.cli import main
    rc = main(["train", "--dataset", "digits", "--model", "mlp", "--hidden", "16",
               "--epochs", "1", "--sparsity", "0.5", "--prune-ratio", "0.2", "--lock-ratio",
               "0.2", "--runs-dir", str(tmp_path), "--no-progress", "--threads", "1", "--json"])
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["final"]["epoch"] == 1
    assert main(["train", "--sparsity", "0.2", "--prune-ratio", "0.4", "--runs-dir",
                 str(tmp_path), "--no-progress"]) == 2


def test_gin_trains_full_batch_on_arxiv_format(tmp_path, tiny_arxiv):
    hp = T.RunHparams(T.DataHparams("ogbn_arxiv", str(tiny_arxiv)),
                      T.ModelHparams("gin", hidden=(16, 16, 16)),
                      T.baseline("frozen_source", sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
                      T.TrainHparams(epochs=2, optimizer="adamw", lr=0.01))
    out = T.train(hp, tmp_path / "runs", progress=False)
    assert out["n_weights"] == 128 * 16 + 2 * 16 * 16 + 16 * 40 + 16 * 40  # with the head
    assert 0 <= out["final"]["test_acc"] <= 1
    with pytest.raises(InvalidParameterError, match="graph"):
        T.train(T.RunHparams(T.DataHparams("ogbn_arxiv", str(tiny_arxiv))),
                tmp_path / "runs", progress=False)


def test_conv6_trains_on_cifar_format(tmp_path, tiny_cifar):
    hp = T.RunHparams(T.DataHparams("cifar10", str(tiny_cifar), batch_size=16),
                      T.ModelHparams("conv6", width=0.125),
                      T.baseline("pruned_source", sparsity=0.5, prune_ratio=0.3),
                      T.TrainHparams(epochs=1))
    out = T.train(hp, tmp_path / "runs", progress=False)
    assert abs(out["final"]["sparsity"] - 0.5) < 1e-3


@pytest.mark.parametrize("kwargs, match", [
    (dict(weight_decay=float("nan")), "weight_decay"),
    (dict(weight_decay=float("inf")), "weight_decay"),
    (dict(weight_decay=-1e-4), "weight_decay"),
    (dict(lr=float("inf")), "lr"),
    (dict(lr=0.0), "lr"),
    (dict(momentum=float("nan")), "momentum"),
    (dict(momentum=1.0), "momentum"),
    (dict(epochs=True), "epochs"),
    (dict(epochs=2.5), "epochs"),
    (dict(amp="no"), "amp"),
    (dict(optimizer=["sgd"]), "optimizer"),
])
def test_float_and_type_checks_of_training(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        T.TrainHparams(**kwargs)


@pytest.mark.parametrize("cls, kwargs, match", [
    (T.DataHparams, dict(seed=-1), "seed"),
    (T.DataHparams, dict(batch_size=True), "batch_size"),
    (T.DataHparams, dict(val_fraction=1.0), "val_fraction"),
    (T.DataHparams, dict(data_root=3), "data_root"),
    (T.DataHparams, dict(augment="mixup"), "augment"),
    (T.ModelHparams, dict(width=float("nan")), "width"),
    (T.ModelHparams, dict(hidden="128"), "hidden"),
    (T.ModelHparams, dict(batch_norm="no"), "batch_norm"),
])
def test_type_checks_of_data_and_model(cls, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        cls(**kwargs)


def test_from_json_names_unknown_fields():
    d = hparams().to_json()
    d["train"]["epoch"] = 3
    with pytest.raises(InvalidParameterError, match="epoch"):
        T.RunHparams.from_json(d)


@pytest.mark.parametrize("argv", [
    ["--device", "foo"], ["--data-seed", "-1"], ["--width", "1e308"], ["--width", "1e7"],
    ["--weight-decay", "nan"], ["--lr", "inf"], ["--epochs", "0"], ["--workers", "-1"],
    ["--dataset", "cifar10"], ["--dataset", "cifar10", "--data-root", "/nonexistent"],
    ["--model", "conv6"], ["--augment", "crop_flip"], ["--freeze-ratio", "1.5"],
    ["--mask-file", "/nonexistent.fslt"], ["--config", "/nonexistent.toml"],
])
def test_refused_invocations_write_nothing(tmp_path, capsys, argv):
    from empirical.cli import main
    runs = tmp_path / "runs"
    assert main(["train", *argv, "--hidden", "8", "--epochs", "1", "--runs-dir", str(runs),
                 "--no-progress"] if "--epochs" not in argv else
                ["train", *argv, "--runs-dir", str(runs), "--no-progress"]) == 2
    assert "error" in capsys.readouterr().err
    assert not runs.exists(), f"{argv} left {list(runs.rglob('*'))}"


def test_train_checks_its_own_arguments(tmp_path):
    (tmp_path / "file").write_text("x")
    for kwargs, match in [(dict(runs_dir=tmp_path / "file"), "not a folder"),
                          (dict(stop_after=0), "stop_after"), (dict(workers=-1), "workers"),
                          (dict(device="tpu"), "device"), (dict(provenance={"a": {1, 2}}),
                                                           "provenance"),
                          (dict(callbacks=[print]), "callbacks"),
                          # not a list: a Callback or 3 was a TypeError (not iterable)
                          (dict(callbacks=T.Callback()), "callbacks"),
                          (dict(callbacks=3), "callbacks")]:
        with pytest.raises(InvalidParameterError, match=match):
            T.train(hparams(), **{"runs_dir": tmp_path / "runs", **kwargs}, progress=False)
    assert not (tmp_path / "runs").exists()


def test_select_best_keeps_the_best_validation_epoch():
    model = torch.nn.Linear(2, 2)
    state = T.RunState(hparams(), "", model, None, None, None, torch.device("cpu"))
    kept = {}
    for epoch, acc in enumerate([0.5, 0.7, 0.6, 0.7], start=1):
        with torch.no_grad():
            model.weight.fill_(epoch)
        state.epoch = epoch
        state.history.append({"epoch": epoch, "val_loss": 1.0, "val_acc": acc})
        T.SelectBest().on_epoch_end(state)
        kept[epoch] = state.best["epoch"]
    assert kept == {1: 1, 2: 2, 3: 2, 4: 2}  # ties keep the earlier epoch
    assert torch.all(state.best["model"]["weight"] == 2)


def test_ticket_is_the_best_validation_epochs(tmp_path):
    from empirical.data import load_dataset
    hp = T.RunHparams(T.DataHparams(batch_size=256, val_fraction=0.3),
                      T.ModelHparams(hidden=(16,)),
                      T.baseline("frozen_source", sparsity=0.6, prune_ratio=0.3, lock_ratio=0.2),
                      T.TrainHparams(epochs=4, lr=0.5))
    out = T.train(hp, tmp_path, progress=False)
    hist = json.loads((tmp_path / hp.hash / "metrics.json").read_text())
    accs = [r["val_acc"] for r in hist]
    best = accs.index(max(accs))
    assert out["selection"] == "best_val" and out["selected"] == hist[best]
    # the ticket file reproduces the selected epoch's test accuracy, not the last epoch's
    model = load_ticket(tmp_path / hp.hash / "ticket.fslt")
    d = load_dataset("digits", seed=0, val_fraction=0.3)
    with torch.no_grad():
        pred = model(torch.as_tensor(d.x_test)).argmax(1).numpy()
    assert float((pred == d.y_test).mean()) == pytest.approx(hist[best]["test_acc"])


def test_mask_file_oracle_takes_the_found_tickets_densities(tmp_path):
    from empirical.configs import resolve
    from empirical.layers import realised_sparsity
    found = T.train(hparams(epochs=1), tmp_path / "a", progress=False)
    ticket = tmp_path / "a" / found["hash"] / "ticket.fslt"
    r = resolve(overrides={"model.hidden": (32,), "data.batch_size": 128,
                           "supermask.sparsity": 0.6, "train.epochs": 1},
                freeze_ratio=0.5, mask_file=ticket)
    dens = [1 - s for s in realised_sparsity(load_ticket(ticket))[1]]
    assert list(r.hparams.supermask.oracle_density) == pytest.approx(dens)
    assert r.provenance["mask_file"]["sha256"]
    out = T.train(r.hparams, tmp_path / "b", progress=False)
    assert abs(out["final"]["sparsity"] - 0.6) < 1e-3


def test_resume_with_augmentation_and_validation_equals_uninterrupted(tmp_path, tiny_cifar):
    hp = T.RunHparams(T.DataHparams("cifar10", str(tiny_cifar), batch_size=8, val_fraction=0.2,
                                    augment="crop_flip"),
                      T.ModelHparams("conv6", width=0.0625),
                      T.baseline("frozen_source", sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2),
                      T.TrainHparams(epochs=2, schedule="cosine"))
    full = T.train(hp, tmp_path / "a", progress=False)
    T.train(hp, tmp_path / "b", progress=False, stop_after=1)
    resumed = T.train(hp, tmp_path / "b", progress=False)
    assert strip([full["final"], full["selected"]]) == strip([resumed["final"],
                                                              resumed["selected"]])
    assert (tmp_path / "a" / hp.hash / "ticket.fslt").read_bytes() == \
        (tmp_path / "b" / hp.hash / "ticket.fslt").read_bytes()


def test_image_folder_results_do_not_depend_on_the_workers(tmp_path, tiny_imagenet):
    hp = T.RunHparams(T.DataHparams("imagenet", str(tiny_imagenet), batch_size=4, image_size=32,
                                    val_fraction=0.25, augment="resized_crop_flip"),
                      T.ModelHparams("conv6", width=0.0625),
                      T.baseline("frozen_source", sparsity=0.5, prune_ratio=0.2, lock_ratio=0.2),
                      T.TrainHparams(epochs=1))
    a = T.train(hp, tmp_path / "a", progress=False, workers=0)
    b = T.train(hp, tmp_path / "b", progress=False, workers=2)
    assert strip([a["final"]]) == strip([b["final"]])


def test_numpy_scalars_give_the_same_run():
    import numpy as np
    a = T.RunHparams(T.DataHparams(batch_size=64, seed=1), T.ModelHparams(width=0.5, hidden=(8,)),
                     T.baseline("frozen_source", sparsity=0.5, prune_ratio=0.2, lock_ratio=0.1),
                     T.TrainHparams(epochs=2, lr=0.05))
    b = T.RunHparams(T.DataHparams(batch_size=np.int64(64), seed=np.uint8(1)),
                     T.ModelHparams(width=np.float32(0.5), hidden=(np.int32(8),)),
                     T.baseline("frozen_source", sparsity=np.float64(0.5),
                                prune_ratio=np.float64(0.2), lock_ratio=np.float64(0.1)),
                     T.TrainHparams(epochs=np.int16(2), lr=np.float64(0.05)))
    assert json.dumps(b.to_json()) and a == b and a.hash == b.hash


def test_public_helpers_refuse_bad_objects():
    from empirical import data
    from empirical.layers import realised_sparsity, update_thresholds
    for call, match in [(lambda: data.cifar10(None), "data_root"),
                        (lambda: data.ogbn_arxiv(3), "data_root"),
                        (lambda: data.teacher_student(n_train=10**9), "larger"),
                        (lambda: update_thresholds(torch.nn.Linear(2, 2)), "supermask_config"),
                        (lambda: realised_sparsity("model"), "Module"),
                        (lambda: realised_sparsity(torch.nn.Linear(2, 2)), "no supermask")]:
        with pytest.raises(InvalidParameterError, match=match):
            call()


def test_the_data_path_is_not_part_of_the_run_hash():
    a = T.RunHparams(T.DataHparams("cifar10", "/data/cifar"))
    b = T.RunHparams(T.DataHparams("cifar10", "../elsewhere"))
    assert a.hash == b.hash and a != b
    assert T.RunHparams(T.DataHparams("cifar10", "/d", seed=1)).hash != a.hash
