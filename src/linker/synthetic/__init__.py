"""Synthetic rosters with ground truth (``linker synth``, ``linker.synth``).

Styles: ``ru`` (a Russian personnel registry and a damaged list, `ru.synth`), ``us`` (a Social-Security-style
registry and a census or tax-form list, `us.synth_us`) and ``hands`` (a second compiler's roster,
`hands.synth_hands`); `ru.synth_rosters` picks the style. The people are made in `people`, their names in
`names`, the damage of a list in `damage` and `lists`.
"""
