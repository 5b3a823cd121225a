"""The pieces every experiment command composes (optimize, budget-sweep, confidence-split).

constants: the splits, the default model and the smallest meaningful sample.
subsets: the seeded fixed subset of a split. model_warnings: warnings about the engine itself.
status: how an exception that ends a run maps to the run's status. answering: answer and
score items in threads. runtime_fields: the five runtime settings every command config holds.
slugs: the file-name fragment of a task or model spec in default output names.
"""
