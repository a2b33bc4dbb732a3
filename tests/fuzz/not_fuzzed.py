"""Public callables the fuzz table leaves out, each with its reason (the guard test in
test_fuzz_public_api.py fails on a public callable that is neither in a table nor here, and on
one that is here although it has a row)."""

_RESULT = "a result record: built by the library and returned, not called by users with input"
_CLI = "command-line plumbing: fuzzed through its `slt ...` row (tables_cli.py, fuzz_tables.py)"
_WRITER = ("writes bytes the caller already made, to a path the caller already checked; fuzzed "
           "through every writer that uses it (sweep, save_ticket, train)")
_TWIN = ("a test twin (slow, obviously correct reference): no input checks by design, as its "
         "module docstring says; held to its checked fast twin by the tests")
_VIA = "fuzzed through the public entry that calls it: "

#: Left out for good: no input of their own from a user, or fuzzed through another entry.
NOT_FUZZED = {
    # result records
    **{q: _RESULT for q in (
        "slt_theory.bounds.calibration.CalibratedSamples",
        "slt_theory.bounds.certificate.CertificateTable",
        "slt_theory.bounds.plan.NetworkShape", "slt_theory.bounds.plan.WidthPlan",
        "slt_theory.bounds.size.TicketSize", "slt_theory.bounds.width.WidthBound",
        "slt_theory.bounds.theorem2.SlotGroup",
        "slt_theory.construction.best_mask.BestMask",
        "slt_theory.construction.layer_terms.LayerTerms",
        "slt_theory.construction.locked_kink.LockedKink",
        "slt_theory.construction.ticket.EntryFailure",
        "slt_theory.construction.ticket.TicketResult",
        "slt_theory.construction.verification.ErrorEstimate",
        "slt_theory.construction.verification.SuccessRate",
        "slt_theory.montecarlo.coverage.CoverageResult",
        "slt_theory.montecarlo.required.RequiredSamples",
        "slt_theory.montecarlo.required.SearchStep",
        "empirical.cli_size.ModelSize", "empirical.ticket.SizeReport",
        "empirical.paired.PairedDifference", "empirical.configs.Resolved",
        "empirical.train.RunState", "empirical.data.Split")},
    # command-line plumbing
    **{q: _CLI for q in (
        "slt_theory.montecarlo.cli_mc.configure", "slt_theory.montecarlo.cli_mc.run",
        "slt_theory.bounds.cli_width.add_target_arguments",
        "slt_theory.bounds.cli_width.configure", "slt_theory.bounds.cli_width.folded_formula",
        "slt_theory.bounds.cli_width.formula_lines", "slt_theory.bounds.cli_width.layer_list",
        "slt_theory.bounds.cli_width.render", "slt_theory.bounds.cli_width.run",
        "slt_theory.bounds.cli_width.target_arguments", "slt_theory.bounds.cli_width.unfold",
        "empirical.cli.HelpFormatter", "empirical.cli.build_parser",
        "empirical.cli.describe_default", "empirical.cli.main", "empirical.cli.walk_parsers",
        "empirical.cli_reproduce.configure", "empirical.cli_reproduce.run",
        "empirical.cli_size.model_ticket_size",
        "empirical.cli_train.all_fields", "empirical.cli_train.configure",
        "empirical.cli_train.default_words", "empirical.cli_train.field_flags",
        "empirical.cli_train.field_of", "empirical.cli_train.hparams_from_args",
        "empirical.cli_train.numpydoc_parameters", "empirical.cli_train.resolve_args",
        "empirical.cli_train.run", "empirical.cli_train.summary_text")},
    **{q: _WRITER for q in (
        "slt_theory.runs.provenance.write_bytes_atomic",
        "slt_theory.runs.provenance.write_json_atomic",
        "slt_theory.runs.provenance.write_text_atomic")},
    **{q: _TWIN for q in (
        "slt_theory.construction.reference.best_mask_error_bracket",
        "slt_theory.construction.reference.construct_ticket_reference",
        "slt_theory.construction.reference.locked_kink_margin_reference",
        "slt_theory.bounds.theorem2.cover_failure_reference",
        "empirical.augment.crop_flip_reference", "empirical.paired.paired_difference_reference")},
    "slt_theory.runs.provenance.source_provenance": "takes no argument",
    "slt_theory.runs.executor.max_workers": "takes no argument",
    "slt_theory.runs.executor.DaskExecutor": _VIA + "get_executor (scheduler=...)",
    "slt_theory.runs.runstore.record_checksum": _VIA + "run_sweep and load_table",
    "slt_theory.montecarlo.tasks.coverage_task": _VIA + "sweep and run_sweep",
    "slt_theory.montecarlo.tasks.required_samples_task": _VIA + "`slt mc required`",
    "slt_theory.montecarlo.coverage.drawn_numbers": _VIA + "coverage_probability",
    "slt_theory.montecarlo.coverage.rows_per_call": _VIA + "coverage_probability",
    "slt_theory.montecarlo.draws.row_bytes": _VIA + "draw_trials",
    "slt_theory.bounds.expressions.Ein": "a sympy Function class (a symbol of the expressions)",
    "slt_theory.bounds.expressions.BinomialCDF": "a sympy Function class",
    "slt_theory.bounds.expressions.BinomialSF": "a sympy Function class",
}
