"""Check a constructed ticket by an independent forward pass, and estimate how often the
construction succeeds.

:func:`ticket_forward` uses nothing of the construction's bookkeeping: only the source weights and
the keep-masks, multiplied out as relu(V relu(U x)) layer after layer (no ReLU after the last V).
:func:`measure_error` compares it with the target's own matrix products on many inputs of the
unit ball and reports the largest l2 output error next to the error that the construction
guarantees (Lemma 7 of docs/theory.md applied to the entry errors it achieved).

Both networks are positively homogeneous (ReLU, no biases), so the error at x is ||x|| times the
error at x / ||x||: the supremum over the ball is reached on the sphere. Points of the ball are
evaluated anyway, as a check of that argument. The estimate is a maximum over finitely many
points, hence a lower bound on the true supremum; the guaranteed error is an upper bound.

:func:`success_probability` runs the construction over seeds (a fresh target and source per
seed) and gives the Clopper-Pearson interval of the success rate.
"""

import dataclasses
import itertools

import numpy as np

from .. import _validate
from ..errors import InvalidParameterError, ResourceLimitError
from ..montecarlo.confidence import clopper_pearson, upper_confidence_bound
from .masked import masked_source
from .source import FrozenSource
from .target import TargetNetwork
from .ticket import construct_ticket, covers_every_target

__all__ = [
    "ErrorEstimate",
    "SuccessRate",
    "measure_error",
    "probe_points",
    "success_probability",
    "ticket_forward",
]


def _check_forward(matrices, x):
    """The masked matrices U_1, V_1, ..., as finite 2-D float arrays whose shapes chain, and x as
    a finite (m, d_0) array (InvalidParameterError otherwise)."""
    if isinstance(matrices, (str, bytes)) or not hasattr(matrices, "__len__") \
            or len(matrices) == 0 or len(matrices) % 2:
        raise InvalidParameterError(
            "matrices must be a non-empty sequence U_1, V_1, ..., U_l, V_l (an even number of "
            f"2-D arrays), got {matrices!r}")
    out = []
    for i, m in enumerate(matrices):
        try:
            m = np.asarray(m, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"matrices[{i}] must be a real 2-D array, got {m!r}")
        if m.ndim != 2 or not np.all(np.isfinite(m)):
            raise InvalidParameterError(
                f"matrices[{i}] must be a finite 2-D array, got shape {m.shape}")
        if out and out[-1].shape[0] != m.shape[1]:
            raise InvalidParameterError(
                f"matrices[{i}] has {m.shape[1]} columns but matrices[{i - 1}] has "
                f"{out[-1].shape[0]} rows")
        out.append(m)
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"x must be a real array of shape (m, d_0), got {x!r}")
    if x.ndim != 2 or x.shape[1] != out[0].shape[1] or not np.all(np.isfinite(x)):
        raise InvalidParameterError(
            f"x must be a finite array of shape (m, {out[0].shape[1]}), got shape {x.shape}")
    return out, x


def ticket_forward(matrices, x, *, chunk=4096):
    """relu(V_i relu(U_i y)) per target layer, no ReLU after the last V; x of shape (m, d_0).

    Hidden neurons whose column of V_i is all zero contribute nothing and are skipped (read off
    the masked matrices alone); the inputs go through in chunks of ``chunk`` rows. Shapes,
    finiteness and ``chunk >= 1`` are checked first (InvalidParameterError).

    Examples
    --------
    >>> u, v = np.array([[1.0], [-1.0]]), np.array([[0.5, -0.5]])
    >>> ticket_forward([u, v], np.array([[2.0], [-2.0]])).tolist()
    [[1.0], [-1.0]]
    """
    matrices, x = _check_forward(matrices, x)
    chunk = _validate.integer("chunk", chunk, minimum=1)
    pairs = []
    for i in range(len(matrices) // 2):
        u, v = matrices[2 * i], matrices[2 * i + 1]
        alive = np.any(v != 0.0, axis=0)
        pairs.append((u[alive], v[:, alive]))
    out = []
    for start in range(0, len(x), chunk):
        h = x[start:start + chunk].T
        for i, (u, v) in enumerate(pairs):
            h = v @ np.maximum(u @ h, 0.0)
            if i < len(pairs) - 1:
                h = np.maximum(h, 0.0)
        out.append(h.T)
    return np.concatenate(out) if out else np.zeros((0, pairs[-1][1].shape[0]))


def _target_forward(weights, x):
    # written out here rather than calling TargetNetwork.forward: the check shares no code path
    h = np.asarray(x, dtype=np.float64).T
    for i, w in enumerate(weights):
        h = w @ h
        if i < len(weights) - 1:
            h = np.maximum(h, 0.0)
    return h.T


def probe_points(d, n_random=4096, seed=0):
    """Inputs of the l2 unit ball: random points of the sphere and of the ball, +-e_i, and the
    normalised sums of signed unit vectors ({-1, 0, 1}^d without 0 for d <= 6; +-e_i +- e_j
    otherwise), each also at half length.

    Returns
    -------
    ndarray, shape (m, d)

    Examples
    --------
    >>> p = probe_points(2, n_random=10)
    >>> bool(np.all(np.linalg.norm(p, axis=1) <= 1 + 1e-12))
    True
    """
    d = _validate.integer("d", d, minimum=1)
    n_random = _validate.integer("n_random", n_random, minimum=0)
    # 2 n_random random points and at most 4 d^2 signed ones, d floats each: refuse what would
    # not fit in PROBE_BYTES rather than fail inside numpy (d = 2**70 was a ValueError)
    if 8 * d * (2 * n_random + 4 * d * d) > PROBE_BYTES:
        raise ResourceLimitError(
            f"probe_points(d={d}, n_random={n_random}) would need more than {PROBE_BYTES} bytes")
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        _validate.integer("seed", seed, minimum=0), spawn_key=(2,))))
    g = gen.standard_normal((2 * n_random, d))
    g /= np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-300)
    sphere = g[:n_random]
    ball = g[n_random:] * gen.random((n_random, 1)) ** (1.0 / d)
    if d <= 6:
        signed = np.array([s for s in itertools.product((-1.0, 0.0, 1.0), repeat=d) if any(s)])
    else:
        eye = np.eye(d)
        signed = [s * eye[a] for a in range(d) for s in (-1.0, 1.0)]
        signed += [s * eye[a] + t * eye[b] for a in range(d) for b in range(a + 1, d)
                   for s in (-1.0, 1.0) for t in (-1.0, 1.0)]
        signed = np.array(signed)
    signed = signed / np.linalg.norm(signed, axis=1, keepdims=True)
    return np.concatenate([sphere, ball, signed, 0.5 * signed])


@dataclasses.dataclass(frozen=True)
class ErrorEstimate:
    """The measured and the guaranteed error of a ticket.

    Attributes
    ----------
    max_error : float
        Largest ||g(x) - f(x)||_2 over the probe points and the local search (a lower bound on
        the sup over the ball).
    max_error_sphere, max_error_ball : float
        The same over the sphere's and the ball's random points only.
    guaranteed_error : float
        Lemma 7 with the achieved entry errors (inf when a neuron failure voids it).
    eps : float
        The accuracy asked for; (1 + eta)^l - 1 = eps is the construction's budget.
    points : int
    worst_point : ndarray
    """

    max_error: float
    max_error_sphere: float
    max_error_ball: float
    guaranteed_error: float
    eps: float
    points: int
    worst_point: np.ndarray


def _refine(err_fn, x, err, rounds, seed):
    """Hill-climb on the sphere from the 16 worst points: Gaussian steps of shrinking size,
    projected back to the sphere, kept when they increase the error."""
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(3,))))
    top = np.argsort(err)[-16:]
    pts = x[top] / np.maximum(np.linalg.norm(x[top], axis=1, keepdims=True), 1e-300)
    best = err_fn(pts)
    step = 0.1
    for _ in range(rounds):
        cand = pts + step * gen.standard_normal(pts.shape)
        cand /= np.maximum(np.linalg.norm(cand, axis=1, keepdims=True), 1e-300)
        val = err_fn(cand)
        better = val > best
        pts[better], best[better] = cand[better], val[better]
        step *= 0.85
    return pts, best


#: Rows of inputs that measure_error sends through both networks at once.
_ERROR_CHUNK = 4096
#: Largest n_random and refine_rounds of measure_error (defaults 4096 and 40).
MAX_RANDOM_POINTS = 2**22
MAX_REFINE_ROUNDS = 10_000


def measure_error(target, source, result, *, n_random=4096, seed=0, refine_rounds=40):
    """Max l2 output error of the masked source against the target over the unit ball.

    The error is evaluated on :func:`probe_points`, then the 16 worst points are improved by
    ``refine_rounds`` rounds of random local search on the sphere; the maximum over everything
    evaluated is reported. ``n_random`` <= MAX_RANDOM_POINTS (2^22) and ``refine_rounds`` <=
    MAX_REFINE_ROUNDS (10,000); larger values are an InvalidParameterError.

    Examples
    --------
    >>> from slt_theory.construction import TargetNetwork, FrozenSource, construct_ticket
    >>> t = TargetNetwork.random((2, 2), seed=3)
    >>> s = FrozenSource.random((2, 2), 400, seed=3)
    >>> r = construct_ticket(t, s, 0.1)
    >>> e = measure_error(t, s, r, n_random=500)
    >>> r.success, e.max_error <= e.guaranteed_error <= 0.1
    (True, True)
    """
    if not isinstance(target, TargetNetwork):
        raise InvalidParameterError(f"target must be a TargetNetwork, got {type(target).__name__}")
    # bounded: refine_rounds=2**70 never ended (slow-tier fuzz, issue 12)
    n_random = _validate.integer("n_random", n_random, minimum=0, maximum=MAX_RANDOM_POINTS)
    refine_rounds = _validate.integer("refine_rounds", refine_rounds, minimum=0,
                                      maximum=MAX_REFINE_ROUNDS)
    # checked here as well: the local search seeds its own generator (seed=0.0 was a TypeError)
    seed = _validate.integer("seed", seed, minimum=0)
    mats = masked_source(source, result)

    def err_fn(points):
        # in chunks of rows: the target's forward pass holds (rows x width) floats, and
        # 2 n_random rows at once asked for terabytes (issue-12 fuzz)
        out = np.empty(len(points))
        for start in range(0, len(points), _ERROR_CHUNK):
            part = points[start:start + _ERROR_CHUNK]
            diff = ticket_forward(mats, part) - _target_forward(target.weights, part)
            out[start:start + _ERROR_CHUNK] = np.linalg.norm(diff, axis=1)
        return out

    x = probe_points(target.widths[0], n_random, seed)
    err = err_fn(x)
    sphere = float(err[:n_random].max()) if n_random else 0.0
    ball = float(err[n_random:2 * n_random].max()) if n_random else 0.0
    if refine_rounds:
        pts, vals = _refine(err_fn, x, err, refine_rounds, seed)
        x, err = np.concatenate([x, pts]), np.concatenate([err, vals])
    worst = int(np.argmax(err))
    return ErrorEstimate(
        max_error=float(err[worst]), max_error_sphere=sphere, max_error_ball=ball,
        guaranteed_error=result.guaranteed_error(), eps=result.eps, points=len(x),
        worst_point=x[worst],
    )


@dataclasses.dataclass(frozen=True)
class SuccessRate:
    """Success of the construction over seeds at one hidden width.

    ``ci_low``/``ci_high``: two-sided Clopper-Pearson interval at ``confidence``;
    ``upper_999``: one-sided 99.9% upper bound; ``reasons``: how often each failure reason
    occurred; ``median_error``: median measured error (NaN when not measured);
    ``uniform_successes``: sources that serve every target (``covers_every_target``, the event
    of Theorem 5), -1 when not checked.
    """

    width: int
    successes: int
    trials: int
    ci_low: float
    ci_high: float
    upper_999: float
    reasons: dict
    median_error: float
    uniform_successes: int = -1

    @property
    def estimate(self):
        return self.successes / self.trials


#: The most memory probe_points may take (bytes).
PROBE_BYTES = 2**31

#: The most seeds one call of success_probability runs (each builds a target and a source).
MAX_SEEDS = 10**6


def _check_seeds(seeds):
    """seeds as a list of integers >= 0, sized before it is listed (range(10**12) is refused, not
    turned into a list that exhausts memory)."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__"):
        raise InvalidParameterError(
            f"seeds must be a sequence of integers >= 0 (e.g. range(200)), got {seeds!r}")
    if not 1 <= len(seeds) <= MAX_SEEDS:
        raise (ResourceLimitError if len(seeds) else InvalidParameterError)(
            f"seeds must hold 1 to {MAX_SEEDS} seeds, got {len(seeds)}")
    return [_validate.integer("seeds", s, minimum=0) for s in seeds]


def success_probability(widths, width, eps, *, prune_ratio=0.0, lock_ratio=0.0, seeds=range(200),
                        freezing="iid", block_sizes=None, measure=False, uniform=False,
                        confidence=0.95):
    """Run the construction for a fresh target and source per seed (target seed s, source seed
    s) at hidden width ``width`` (``FrozenSource.from_width``) or at explicit ``block_sizes``.
    With ``uniform=True`` each source is also checked against every target at once
    (``covers_every_target``).

    Examples
    --------
    >>> r = success_probability((1, 1), 300, 0.1, seeds=range(5))
    >>> r.successes, r.trials
    (5, 5)
    """
    eps = _validate.open_unit("eps", eps)
    seeds = _check_seeds(seeds)
    hits, reasons, errors, uniform_hits = 0, {}, [], 0
    for s in seeds:
        target = TargetNetwork.random(widths, seed=s)
        kw = {"prune_ratio": prune_ratio, "lock_ratio": lock_ratio, "freezing": freezing, "seed": s}
        source = (FrozenSource.random(widths, block_sizes, **kw) if block_sizes is not None
                  else FrozenSource.from_width(widths, width, **kw))
        result = construct_ticket(target, source, eps)
        hits += result.success
        if uniform:
            uniform_hits += covers_every_target(source, eps) == 0
        for reason in result.reasons:
            reasons[reason] = reasons.get(reason, 0) + 1
        if measure:
            errors.append(measure_error(target, source, result, n_random=512, seed=s).max_error)
    lo, hi = clopper_pearson(hits, len(seeds), confidence)
    return SuccessRate(
        width=int(max(source.hidden_widths)), successes=int(hits), trials=len(seeds),
        ci_low=lo, ci_high=hi, upper_999=upper_confidence_bound(hits, len(seeds), 0.999),
        reasons=reasons, median_error=float(np.median(errors)) if errors else float("nan"),
        uniform_successes=int(uniform_hits) if uniform else -1,
    )
