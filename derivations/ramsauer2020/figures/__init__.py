"""Figures of the Ramsauer et al. pack (one module per figure, each defining ``FIGURE``; see
:mod:`derivations.figures.spec`): energy descent, one-step retrieval, storage constant."""
