"""Nested containers of arrays, as HIPS autograd takes them: lists, tuples
(named ones too) and dicts, nested in any way, with arrays, numbers or
Variables at the leaves.

    leaves(tree)            the leaves, left to right
    rebuild(tree, values)   the same structure with the leaves replaced

`sort_keys=True` visits a dict's keys sorted (as `autograd.misc.flatten`
does); otherwise in the dict's own order."""


def _children(node, sort_keys):
    """The items of a container node in visiting order, or None for a leaf."""
    if isinstance(node, dict):
        return [node[k] for k in _keys(node, sort_keys)]
    if isinstance(node, (list, tuple)):
        return list(node)
    return None


def _keys(node, sort_keys):
    return sorted(node) if sort_keys else list(node)


def leaves(tree, sort_keys=False):
    """The leaves of `tree`, in the order `rebuild` consumes them."""
    children = _children(tree, sort_keys)
    if children is None:
        return [tree]
    return [leaf for child in children for leaf in leaves(child, sort_keys)]


def rebuild(tree, values, sort_keys=False):
    """`tree`'s structure with its leaves taken, in order, from `values`."""
    values = iter(values)

    def build(node):
        children = _children(node, sort_keys)
        if children is None:
            return next(values)
        built = [build(child) for child in children]
        if isinstance(node, dict):
            rebuilt = dict(zip(_keys(node, sort_keys), built))
            return {k: rebuilt[k] for k in node}  # the caller's key order
        if isinstance(node, tuple) and hasattr(node, "_fields"):  # a namedtuple
            return type(node)(*built)
        return type(node)(built)

    return build(tree)
