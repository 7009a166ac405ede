"""Validation of partner files: :mod:`.rows` checks every row (entry point
:func:`~catalogue.validation.rows.validate_records`), helped by :mod:`.places` (point,
district, gmina), :mod:`.partners` (who runs an offering) and :mod:`.duplicates`; the
findings are a :class:`~catalogue.validation.report.ValidationReport`."""
