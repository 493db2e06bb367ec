"""The conventions' import path kept from before the split: see
:mod:`derivations.check.conventions` (the Convention) and :mod:`derivations.check.presets`
(the presets, spec strings and table)."""

from derivations.check.conventions import CHOICES, Convention, OutputError
from derivations.check.kinds import quantities
from derivations.check.presets import PRESETS, convention_table, get_convention

#: What a user's function can compute (the rows of the kinds table that are not aliases).
QUANTITIES = quantities()

__all__ = [
    "CHOICES",
    "QUANTITIES",
    "Convention",
    "OutputError",
    "PRESETS",
    "get_convention",
    "convention_table",
]
