"""The paper's objects in PyTorch: batched, numerically stable, CPU and GPU.

Imports torch and numpy only (never SymPy/mpmath). Float64 is the verification dtype;
per-dtype tolerances live in :mod:`numerics.tolerances`.
"""
