"""minigrad.backends and cuda.manual_seed_all: the switches PyTorch programs
set, beside PyTorch's names (minigrad uses neither cuDNN nor MPS)."""
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")


def test_backends_have_pytorchs_names():
    for name in ("cudnn", "mps", "cuda"):
        assert hasattr(torch.backends, name) and hasattr(mg.backends, name)
    assert mg.backends.cudnn.is_available() is False
    assert mg.backends.mps.is_available() is False and mg.backends.mps.is_built() is False
    assert mg.backends.cudnn.version() is None


def test_the_flags_programs_set_can_be_set(monkeypatch):
    for module, flag in [(mg.backends.cudnn, "benchmark"), (mg.backends.cudnn, "deterministic"),
                         (mg.backends.cudnn, "allow_tf32"), (mg.backends.cuda.matmul, "allow_tf32")]:
        assert isinstance(getattr(module, flag), bool)
        monkeypatch.setattr(module, flag, True)  # as `torch.backends.cudnn.benchmark = True`
        assert getattr(module, flag) is True


def test_cuda_manual_seed_all_without_a_gpu_does_nothing_as_pytorchs():
    if mg.cuda.is_available():
        pytest.skip("a GPU is here: manual_seed_all seeds it")
    assert mg.cuda.manual_seed_all(0) is None
    assert torch.cuda.manual_seed_all(0) is None
    assert mg.cuda.empty_cache() is None and torch.cuda.empty_cache() is None
    assert mg.cuda.is_bf16_supported() is False
    mg.manual_seed(0)
    a = mg.randn(3).data
    mg.manual_seed(0)
    mg.cuda.manual_seed_all(123)  # does not touch the CPU stream
    assert (mg.randn(3).data == a).all()
