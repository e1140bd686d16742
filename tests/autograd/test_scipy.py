"""minigrad.autograd.scipy.special: autograd's differentiable SciPy
functions, beside PyTorch's and HIPS autograd's."""
import numpy as np
import pytest
import scipy.special

import minigrad.autograd as mga
from minigrad.autograd.scipy.special import expit, logsumexp

torch = pytest.importorskip("torch")
X = np.random.RandomState(0).randn(3, 4) * 10


@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, True), (0, False)])
def test_logsumexp_differentiates_beside_torch(axis, keepdims):
    g = mga.grad(lambda x: np.sum(np.sin(logsumexp(x, axis=axis, keepdims=keepdims))))(X)
    tx = torch.tensor(X, requires_grad=True)
    dims = tuple(range(X.ndim)) if axis is None else axis
    torch.sin(torch.logsumexp(tx, dim=dims, keepdim=keepdims)).sum().backward()
    np.testing.assert_allclose(g, tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_expit_differentiates_beside_torch():
    tx = torch.tensor(X, requires_grad=True)
    torch.sigmoid(tx).sum().backward()
    np.testing.assert_allclose(mga.elementwise_grad(expit)(X), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_on_plain_arrays_they_are_scipys():
    out = logsumexp(X, axis=1, b=np.full(4, 2.0))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, scipy.special.logsumexp(X, axis=1, b=np.full(4, 2.0)))
    np.testing.assert_array_equal(expit(X), scipy.special.expit(X))


def test_weights_on_variables_are_refused_with_the_rewrite():
    with pytest.raises(TypeError, match=r"logsumexp: b= and return_sign= are not supported on Variables; "
                                        r"write logsumexp\(a \+ np.log\(b\)\)"):
        mga.grad(lambda x: logsumexp(x, b=np.ones(4)))(X)


def test_matches_autograds():
    autograd = pytest.importorskip("autograd")
    from autograd.scipy.special import logsumexp as their_logsumexp
    ours = mga.grad(lambda x: np.sum(logsumexp(x, axis=0) ** 2))(X)
    theirs = autograd.grad(lambda x: autograd.numpy.sum(their_logsumexp(x, axis=0) ** 2))(X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
