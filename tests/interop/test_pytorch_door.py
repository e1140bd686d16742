"""PyTorch's door: each PyTorch habit of issue 20 as one small program run
twice, with `lib = minigrad` and with `lib = torch`, and the results
compared (API.md, "PyTorch's door"). Only the import differs."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

# distinct values along every row and column: PyTorch breaks ties its own way
A = np.array([[1.0, 5.0, 2.0, 2.5], [7.0, 0.0, 3.0, -1.0], [4.0, 4.5, 6.0, 0.5]], dtype=np.float32)
B = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10


def t(lib, data=A, **kwargs):
    return lib.tensor(data, **kwargs)


def grads_of(lib, program):
    """program(x) -> a scalar; the value and x's gradient."""
    x = t(lib, requires_grad=True)
    y = program(lib, x)
    y.backward()
    return y, x.grad


# name -> program(lib): the same source for both libraries
PROGRAMS = {
    # top-level functions, with PyTorch's meanings
    "cat_stack": lambda lib: (lib.cat([t(lib), t(lib)], dim=1), lib.stack([t(lib), t(lib)], 0),
                              lib.concat([t(lib), t(lib)])),
    "tanh_pow_sqrt": lambda lib: (lib.tanh(t(lib)), lib.pow(t(lib), 2), lib.sqrt(lib.abs(t(lib)))),
    "tril_triu": lambda lib: (lib.tril(t(lib)), lib.triu(t(lib), diagonal=1), lib.tril(t(lib), -1)),
    "roll_flip": lambda lib: (lib.roll(t(lib), 1, 0), lib.flip(t(lib), [1])),
    "topk": lambda lib: tuple(lib.topk(t(lib), 2, dim=1)),
    "argmax_argmin": lambda lib: (lib.argmax(t(lib), dim=1), lib.argmin(t(lib)), lib.argmax(t(lib), 0, keepdim=True)),
    "flatten": lambda lib: (lib.flatten(t(lib, B)), lib.flatten(t(lib, B), 1), lib.flatten(t(lib, B), 0, 1)),
    "softmax": lambda lib: (lib.softmax(t(lib), dim=1), lib.log_softmax(t(lib), 0), lib.logsumexp(t(lib), 1)),
    "split": lambda lib: lib.split(lib.arange(6), 2),              # trap: three pieces of 2
    "split_sizes": lambda lib: lib.split(t(lib), [1, 3], dim=1),
    "chunk_unbind": lambda lib: (*lib.chunk(t(lib), 2, 1), *lib.unbind(t(lib), 0)),
    "transpose_swaps": lambda lib: lib.transpose(t(lib, B), 0, 2),
    "permute_movedim": lambda lib: (lib.permute(t(lib, B), (2, 0, 1)), lib.movedim(t(lib, B), 0, 2)),
    "max_with_dim": lambda lib: tuple(lib.max(t(lib), dim=0)),     # trap: (values, indices)
    "max_min_all": lambda lib: (lib.max(t(lib)), lib.min(t(lib)), lib.max(t(lib), t(lib) * 0)),
    "min_keepdim": lambda lib: tuple(lib.min(t(lib), 1, keepdim=True)),
    "sort": lambda lib: tuple(lib.sort(t(lib), dim=1, descending=True)),
    "kthvalue": lambda lib: tuple(lib.kthvalue(t(lib), 2, 1)),
    "median": lambda lib: (lib.median(t(lib)), *lib.median(t(lib), 1)),  # the lower middle value
    "mode_values": lambda lib: lib.mode(t(lib, [[1, 2, 2, 3], [3, 3, 1, 1]]), 1).values,
    "cummax_cummin": lambda lib: (*lib.cummax(t(lib), 1), *lib.cummin(t(lib), 0)),
    "var_std": lambda lib: (lib.var(t(lib)), lib.std(t(lib), 1), lib.var(t(lib), 0, unbiased=False),
                            lib.std(t(lib), dim=1, correction=0, keepdim=True)),
    "sum_mean_prod": lambda lib: (lib.sum(t(lib), 1), lib.mean(t(lib), dim=0, keepdim=True), lib.prod(t(lib), 1),
                                  lib.cumsum(t(lib), 1), lib.cumprod(t(lib), 0), lib.amax(t(lib), 1)),
    "where_clamp": lambda lib: (lib.where(t(lib) > 2, t(lib), t(lib) * 0), lib.clamp(t(lib), min=1),
                                lib.clamp(t(lib), 0, 3), lib.clip(t(lib), max=2)),
    "matmul_mm_bmm": lambda lib: (lib.matmul(t(lib), t(lib).T), lib.mm(t(lib), t(lib).T),
                                  lib.bmm(t(lib, B), lib.transpose(t(lib, B), 1, 2)),
                                  lib.einsum("ij,kj->ik", t(lib), t(lib)), lib.outer(t(lib)[0], t(lib)[1])),
    "narrow_index_select": lambda lib: (lib.narrow(t(lib), 1, 1, 2), lib.index_select(t(lib), 1, lib.tensor([3, 0])),
                                        lib.masked_select(t(lib), t(lib) > 2)),
    "gather_scatter": lambda lib: (lib.gather(t(lib), 1, lib.tensor([[0], [2], [1]])),
                                   lib.scatter(t(lib), 1, lib.tensor([[0], [2], [1]]), t(lib) * 10),
                                   lib.scatter_add(t(lib), 0, lib.tensor([[0, 1, 2, 0]]), t(lib)[:1])),
    "nonzero_masked_fill": lambda lib: (lib.nonzero(t(lib) > 3), lib.masked_fill(t(lib), t(lib) > 3, 0.0)),
    "allclose_equal_isclose": lambda lib: (lib.allclose(t(lib), t(lib) + 1e-9), lib.equal(t(lib), t(lib)),
                                           lib.equal(t(lib), t(lib) + 1), lib.isclose(t(lib), t(lib)),
                                           lib.isnan(t(lib)), lib.isinf(t(lib) / 0)),
    "maximum_minimum": lambda lib: (lib.maximum(t(lib), t(lib).T.T * 0.5), lib.minimum(t(lib), t(lib) - 1)),
    "squeeze_unsqueeze_reshape": lambda lib: (lib.unsqueeze(t(lib), 1), lib.squeeze(lib.unsqueeze(t(lib), 0)),
                                              lib.reshape(t(lib), (2, -1))),
    "hstack_vstack": lambda lib: (lib.hstack([t(lib), t(lib)]), lib.vstack([t(lib)[0], t(lib)[1]])),
    "norm": lambda lib: (lib.norm(t(lib)), lib.norm(t(lib), dim=1)),
    # dtypes and constants
    "dtypes": lambda lib: (t(lib).to(lib.long), t(lib).to(lib.float16), t(lib).type(lib.int64),
                           lib.zeros(2, dtype=lib.float64), lib.ones(2, dtype=lib.bool), t(lib).long(),
                           t(lib).half(), t(lib).int(), t(lib).bool(), t(lib).double()),
    "constants": lambda lib: (lib.pi, lib.e, lib.inf, np.isnan(lib.nan)),
    "typed_tensors": lambda lib: (lib.LongTensor([1, 2]), lib.FloatTensor([1, 2]), lib.BoolTensor([True, False]),
                                  lib.FloatTensor(2, 3).shape),
    "default_dtype": lambda lib: (lib.get_default_dtype() == lib.float32, lib.tensor([1.0]).dtype == lib.float32),
    "size": lambda lib: (lib.Size([2, 3]) == (2, 3), t(lib).size() == lib.Size([3, 4]), t(lib).size(1)),
    "device": lambda lib: (str(lib.device("cpu")), str(lib.device("cuda", 0)), lib.device("cuda:1").index,
                           lib.device("cuda", 0).type, t(lib).to(lib.device("cpu"))),
    "isinstance_tensor": lambda lib: (isinstance(t(lib), lib.Tensor), lib.is_tensor(t(lib))),
    "as_tensor": lambda lib: (lib.as_tensor([1.0, 2.0]), lib.as_tensor(np.arange(3)), lib.as_tensor(A)),
    # comparisons return Variables/tensors of dtype bool
    "comparison_accuracy": lambda lib: ((lib.argmax(t(lib), 1) == lib.tensor([1, 0, 2])).float().mean(),
                                        (t(lib) > 2).sum(), (t(lib) <= 2).dtype == lib.bool,
                                        t(lib).eq(2), t(lib).ne(2), t(lib).lt(2), t(lib).ge(2)),
    "bool_of_one_element": lambda lib: (bool(t(lib)[0, 0] == 1), bool(t(lib)[0, 0] > 5)),
    # methods with PyTorch's meanings
    "method_max_dim": lambda lib: tuple(t(lib).max(dim=0)),
    "method_max_keepdim_indices": lambda lib: t(lib).max(1, keepdim=True)[1],  # trap: the indices
    "method_max_indices_attr": lambda lib: (t(lib).max(1).indices, t(lib).min(0).values, t(lib).max()),
    "method_var_std_unbiased": lambda lib: (t(lib).var(), t(lib).std(), t(lib).var(1), t(lib).var(unbiased=False)),
    "method_transpose_swaps": lambda lib: (t(lib, B).transpose(1, 2), t(lib).transpose(0, 1), t(lib, B).transpose(-1, 0)),
    "method_split": lambda lib: t(lib).split(3, dim=1),
    "method_repeat_tiles": lambda lib: (t(lib).repeat(2, 1), t(lib).repeat(1, 2, 1), t(lib).repeat_interleave(2, dim=0)),
    "method_contiguous_view": lambda lib: (t(lib, B).transpose(1, 2).contiguous().view(2, -1),
                                           t(lib).view_as(t(lib, A.reshape(4, 3))), t(lib).type_as(lib.tensor([1]))),
    "method_new": lambda lib: (t(lib).new_zeros(2, 3), t(lib).new_ones((2,)), t(lib).new_full((2, 2), 7.0),
                               t(lib).new_tensor([1, 2])),
    "method_sizes": lambda lib: (t(lib).element_size(), t(lib).nelement(), t(lib).numel(), t(lib).dim(),
                                 t(lib).is_contiguous()),
    "method_sort_topk_kth": lambda lib: (*t(lib).sort(1), *t(lib).topk(2), *t(lib).kthvalue(1, 0),
                                         *t(lib).median(0), *t(lib).cummax(1)),
    "method_index_select_nonzero": lambda lib: (t(lib).index_select(0, lib.tensor([2, 0])), t(lib).nonzero(),
                                                t(lib).masked_select(t(lib) < 2), t(lib).narrow(0, 1, 2)),
    # a NumPy-only keyword selects NumPy's meaning
    "numpy_keyword_axis": lambda lib: (t(lib).max(axis=1), t(lib).var(ddof=0)) if lib is minigrad else
                                      (t(lib).max(dim=1).values, t(lib).var(unbiased=False)),
}


def in_place(lib):
    x = t(lib)
    x.add_(1).mul_(2)
    x.sub_(t(lib)).div_(4)
    x.clamp_(0, 3)
    x.masked_fill_(x > 2.5, -1.0)
    x.exp_()
    x.abs_()
    return x


def item_assignment(lib):
    x = t(lib)
    x[0] = 9                        # a row
    x[1, 2] = -1
    x[:, 0] += 1                    # x[i] += 1
    x[x > 5] = 0                    # masked assignment
    i = lib.tensor(2)
    x[i] = x[i] * 2                 # a 0-d integer tensor as index
    y = x[i]
    return x, y


def item_assignment_under_no_grad(lib):
    w = t(lib, requires_grad=True)
    with lib.no_grad():
        w[0] = 0
        w[w > 4] = 1
        w[1] += 1
    (w * w).sum().backward()
    return w, w.grad, w._version


def recorded_index_put(lib):
    w = t(lib, requires_grad=True)
    v = t(lib, A[0] * 3, requires_grad=True)
    h = w * 2
    early = h * 1                   # recorded before the assignment: sees h as it was
    h[1] = v * v                    # the gradient flows to v and to the rest of h
    h[:, 0] = 0
    loss = (h * h).sum() + early.sum()
    loss.backward()
    return h, loss, w.grad, v.grad


def recorded_in_place_method(lib):
    w = t(lib, requires_grad=True)
    h = w * 2
    h.add_(1)
    h.mul_(3)
    h.sub_(w)
    h.exp_()
    h.sum().backward()
    return h, w.grad


def inference_mode(lib):
    w = t(lib, requires_grad=True)
    with lib.inference_mode():
        y = w * 2
    return y.requires_grad, y


def argmax_accuracy_loop(lib):
    """pytorch/examples mnist/main.py's test loop, on fixed outputs."""
    output = lib.log_softmax(t(lib), dim=1)
    target = lib.tensor([1, 0, 2])
    pred = output.max(1, keepdim=True)[1]
    correct = pred.eq(target.view_as(pred)).sum().item()
    return correct, pred


PROGRAMS.update({f.__name__: f for f in (in_place, item_assignment, item_assignment_under_no_grad,
                                         recorded_index_put, recorded_in_place_method, inference_mode,
                                         argmax_accuracy_loop)})


def as_numpy(v):
    if isinstance(v, (tuple, list)):
        return [as_numpy(e) for e in v]
    if isinstance(v, torch.Tensor):
        return v.detach().numpy()
    if isinstance(v, minigrad.Tensor):
        return v.data
    return v


def assert_same(ours, theirs, where=""):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, np.ndarray):
        assert np.shape(ours) == theirs.shape, f"{where}: shape {np.shape(ours)} != {theirs.shape}"
        np.testing.assert_allclose(np.asarray(ours, dtype=np.float64), theirs.astype(np.float64),
                                   rtol=1e-5, atol=1e-6, err_msg=where)
        assert np.asarray(ours).dtype.kind == theirs.dtype.kind, f"{where}: dtype {np.asarray(ours).dtype} != {theirs.dtype}"
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_pytorch_habit_gives_pytorchs_answer(name):
    program = PROGRAMS[name]
    assert_same(as_numpy(program(minigrad)), as_numpy(program(torch)), name)


def test_values_indices_unpack_of_a_length_two_result_is_the_pair():
    # the silent trap: with two rows, NumPy's max would unpack the rows of the values
    x = np.array([[1.0, 9.0], [4.0, 2.0]])
    values, indices = minigrad.tensor(x).max(dim=0)
    tv, ti = torch.tensor(x).max(dim=0)
    np.testing.assert_array_equal(values.data, tv.numpy())
    np.testing.assert_array_equal(indices.data, ti.numpy())
    values, indices = minigrad.functions.cummax(minigrad.tensor(x), 0)   # F too: a PyTorch-only name
    np.testing.assert_array_equal(indices.data, torch.cummax(torch.tensor(x), 0).indices.numpy())


def test_numpys_door_keeps_numpys_meanings():
    import minigrad.functions as F
    assert [p.shape for p in F.split(minigrad.arange(6), 2)] == [(3,), (3,)]   # np.split
    np.testing.assert_array_equal(F.max(minigrad.tensor(A), 0).data, A.max(0))
    np.testing.assert_allclose(F.var(minigrad.tensor(A)).data, A.var(), rtol=1e-6)
    np.testing.assert_array_equal(np.transpose(minigrad.tensor(B), (2, 0, 1)).data, B.transpose(2, 0, 1))


def test_gradients_of_door_functions_match_torch():
    programs = [
        lambda lib, x: lib.max(x, 1)[0].sum() + lib.min(x, 0).values.sum(),
        lambda lib, x: lib.var(x, 1).sum() * lib.std(x),
        lambda lib, x: sum((p * p).sum() * (i + 1) for i, p in enumerate(lib.split(x, [1, 3], 1))),
        lambda lib, x: lib.sort(x, 1).values[:, 0].sum() + lib.kthvalue(x, 2, 1).values.sum(),
        lambda lib, x: lib.median(x, 1).values.sum() + lib.median(x),
        lambda lib, x: lib.cummax(x, 1).values.sum() + lib.transpose(x, 0, 1)[0].sum() * 3,
        lambda lib, x: (lib.scatter(x, 1, lib.tensor([[0], [2], [1]]), x[:, 1:2] * 10) ** 2).sum(),
        lambda lib, x: (lib.index_select(x, 1, lib.tensor([3, 0, 3])) ** 2).sum() + lib.masked_select(x, x > 2).sum(),
        lambda lib, x: (x.repeat(2, 1) ** 2).sum() + lib.narrow(x, 0, 1, 2).sum(),
    ]
    for i, program in enumerate(programs):
        ours, theirs = grads_of(minigrad, program), grads_of(torch, program)
        assert_same(as_numpy(ours), as_numpy(theirs), f"program {i}")


def test_item_assignment_on_a_leaf_that_requires_grad_raises_as_torch():
    for lib, error in ((minigrad, "setitem: in-place update of a leaf"), (torch, "leaf Variable")):
        w = t(lib, requires_grad=True)
        with pytest.raises(RuntimeError, match=error):
            w[0] = 1
        with pytest.raises(RuntimeError, match=error if lib is torch else "add_: in-place update of a leaf"):
            w.add_(1)


def test_item_assignment_bumps_the_version_counter_as_torch():
    for lib in (minigrad, torch):
        x = t(lib)
        x[0] = 1
        x.add_(1)
        x[x > 3] = 0
        assert x._version == 3


def test_item_assignment_on_an_output_an_op_saved_is_right():
    # PyTorch raises here (exp's backward needs the output y, changed in
    # place); minigrad keeps a copy of y as it was (core/inplace.py rebind),
    # so the gradient is the one of the program written with a clone.
    def program(lib, clone):
        w = t(lib, requires_grad=True)
        y = (w * 2).exp()
        y = y.clone() if clone else y
        y[0] = 0
        y.sum().backward()
        return y, w.grad
    assert_same(as_numpy(program(minigrad, clone=False)), as_numpy(program(torch, clone=True)))
    with pytest.raises(RuntimeError):
        program(torch, clone=False)


def test_rng_functions_draw_from_minigrads_stream():
    minigrad.manual_seed(0)
    a = (minigrad.multinomial(minigrad.tensor([[0.1, 0.0, 0.9], [1.0, 1.0, 0.0]]), 2),
         minigrad.randperm(5), minigrad.bernoulli(minigrad.full((3,), 0.5)))
    minigrad.manual_seed(0)
    b = (minigrad.multinomial(minigrad.tensor([[0.1, 0.0, 0.9], [1.0, 1.0, 0.0]]), 2),
         minigrad.randperm(5), minigrad.bernoulli(minigrad.full((3,), 0.5)))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.data, y.data)
    drawn, perm, coins = a
    assert drawn.dtype == np.int64 and drawn.shape == (2, 2) and 1 not in drawn.data[0] and 2 not in drawn.data[1]
    assert sorted(drawn.data[1]) == [0, 1]                      # without replacement
    assert sorted(perm.data) == list(range(5)) and perm.dtype == np.int64
    assert set(coins.data) <= {0.0, 1.0} and coins.dtype == np.float32


def test_every_pytorch_name_is_a_declared_function():
    """minigrad's top-level op names are read from the declarations (no second
    list): each is a declared function, and dir(minigrad) shows them."""
    from minigrad.core import ops
    for name, fn in ops.by_torch.items():
        assert getattr(minigrad, name) is fn
        declared = [*ops.declarations.values(), *ops.torch_declarations.values()]
        assert any(d.fn is fn and name in d.torch for d in declared), name
    assert set(ops.by_torch) <= set(dir(minigrad))
    # each PyTorch name is there, and means PyTorch's top-level function
    for name in ops.by_torch:
        assert hasattr(torch, name), f"minigrad.{name}: torch has no {name}"


def test_the_api_sections_names_are_all_there():
    names = """cat concat stack hstack vstack split chunk unbind squeeze unsqueeze flatten reshape transpose
    permute movedim narrow where clamp clip abs exp log log1p sqrt rsqrt tanh sigmoid sin cos pow matmul mm bmm
    einsum outer sum mean prod cumsum cumprod amax amin argmax argmin max min sort topk kthvalue median mode
    cummax cummin std var norm tril triu roll flip gather scatter scatter_add index_select masked_select
    masked_fill nonzero softmax log_softmax logsumexp allclose equal isclose isnan isinf maximum minimum
    multinomial randperm bernoulli manual_seed no_grad enable_grad inference_mode set_grad_enabled from_numpy
    tensor as_tensor get_default_dtype set_default_dtype float16 half float32 float float64 double int8 int16
    int32 int64 long int uint8 bool bfloat16 pi e inf nan Tensor FloatTensor LongTensor BoolTensor Size
    device""".split()
    missing = [n for n in names if not hasattr(minigrad, n)]
    assert not missing
