"""The paper's objects in PyTorch: batched, numerically stable, CPU and GPU.

Imports torch and numpy only (never SymPy/mpmath). Float64 is the verification dtype;
per-dtype tolerances live in :mod:`numerics.tolerances`.

==========================  =================================================================
module                      job
==========================  =================================================================
``energies``                g, E, E^MCHN, E_global, LSE/softmax, the CCCP and MCHN updates
``stream``                  the same kernels streamed over the patterns (O(B × chunk) memory)
``knn``                     exact k-nearest-neighbour distances, streamed (re-exported by
                            ``stream``)
``logmeanexp``              E^MCHN's β-part β⁻¹(log d − LSE(β z)), stable for every β > 0
``validate``, ``chunks``    argument checks (``ValueError`` naming the argument); chunking
``tolerances``              the one per-dtype tolerance table, its range and warning
``tolerance_survey``        the measurement behind that table
``balls``, ``special``      Monte Carlo ball integrals (Sec. 5); log γ(s, x)
``bench``, ``bench_tasks``  ``beyond-scaling bench``: runner/table/CLI, and the timed tasks
==========================  =================================================================
"""
