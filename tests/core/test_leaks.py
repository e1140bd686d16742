"""Nothing minigrad records keeps a user's objects alive after the user drops them."""
import gc
import weakref

import numpy as np

import minigrad as mg
from minigrad import nn, viz


def test_module_scopes_does_not_keep_models_alive():
    refs = []
    for _ in range(20):
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        with viz.module_scopes(model):
            model(mg.Variable(np.ones((2, 3), dtype=np.float32)))
        assert viz.modules.recorded_scopes(model) is not None   # still findable while alive
        refs.append(weakref.ref(model))
        del model
    gc.collect()
    leaked = sum(r() is not None for r in refs)
    assert leaked == 0, f"module_scopes kept {leaked} of 20 models alive"
