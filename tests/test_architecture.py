"""The structure ARCHITECTURE.md describes, checked from the source with `ast`:
the import graph of minigrad's modules (imports inside functions included)
has no cycle, each layer imports only the layers below it, Variable gets its
attributes only in its own class body, and the package faces re-export
without rewiring anything."""
import ast
from pathlib import Path

import pytest

import minigrad

PACKAGE = Path(minigrad.__file__).parent

# Each unit (a subpackage or a top-level module of minigrad) may import only
# units of lower layers. The package face minigrad/__init__.py imports all.
LAYERS = [
    {"device"},                                   # where arrays live; imports nothing of minigrad
    {"core"},                                     # the engine: Variable, Function, backward
    {"functions", "data", "serialization",        # the ops; data and files on the engine;
     "amp", "backends", "distributed"},           # PyTorch's names for what minigrad lacks
    {"nn", "viz", "train", "autograd", "cuda",    # layers, pictures, the training loop, transforms,
     "utils"},                                    # torch.utils' path to data
    {"optim", "onnx"},                            # on top of modules
]
LAYER_OF = {unit: i for i, units in enumerate(LAYERS) for unit in units}


def _modules():
    """dotted name -> (path, is_package) for every module of minigrad."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("minigrad",) + path.relative_to(PACKAGE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _imports(name):
    """The minigrad modules that module `name` imports, anywhere in its code."""
    path, is_package = MODULES[name]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            # `from pkg import mod` depends on the module; `from pkg import name`, on pkg's face
            candidates = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix
                          for a in node.names]
        else:
            continue
        for target in candidates:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            # A package's face is loaded before its modules: importing it from inside is no dependency.
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _unit(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_unit_has_a_layer():
    units = {_unit(n) for n in MODULES} - {None}
    assert units <= set(LAYER_OF), f"give these a layer in LAYERS and ARCHITECTURE.md: {units - set(LAYER_OF)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _unit(n)))
def test_a_layer_imports_only_layers_below(name):
    layer = LAYER_OF[_unit(name)]
    upward = sorted(t for t in GRAPH[name] if _unit(t) != _unit(name) and LAYER_OF[_unit(t)] >= layer)
    assert not upward, f"{name} (layer {layer}) imports {upward}, not below it"


def test_device_imports_nothing_of_minigrad():
    for name in MODULES:
        if _unit(name) == "device":
            assert all(_unit(t) == "device" for t in GRAPH[name]), (name, GRAPH[name])


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycle_among_modules():
    assert not _cycles(GRAPH), "import cycles: " + "; ".join(" <-> ".join(c) for c in _cycles(GRAPH))


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_variable_gets_attributes_only_in_its_class_body():
    sites = []
    for name, (path, _) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and node.args:
                if getattr(node.args[0], "id", None) == "Variable":
                    sites.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and getattr(target.value, "id", None) == "Variable":
                        sites.append(f"{name}:{node.lineno}")
    assert not sites, f"Variable changed outside its class body: {sites}"


def test_no_module_imports_another_modules_private_name():
    shared = []
    for name, (path, _) in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        shared.append(f"{name}: {alias.name} from {node.module}")
    assert not shared, f"private names used across modules (give them a named home): {shared}"
