"""The paper's objects in SymPy, with exact derivatives and mpmath evaluation.

Imports SymPy and mpmath only (never torch/numpy): ``numerics`` holds the torch twins and
``derivations`` joins the two.
"""
