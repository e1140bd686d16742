"""mg.save / mg.load: state_dicts and whole checkpoints to and from one
`.npz` file, without pickle, so loading a file cannot run code.

A flat dict of name -> array (a state_dict) is stored exactly as
`np.savez` stores it: one NAME.npy member per entry. Anything else (nested
dicts and lists holding arrays, numbers, strings, booleans and None, such as
`{"model": m.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}`)
stores its arrays as members too, plus one member, `__structure__.npy`,
holding the shape of the structure as JSON text in a uint8 array, so
`load` rebuilds the same structure (lists as lists, tuples as tuples, dict
keys that are ints as ints, numbers as Python numbers).

Saving is atomic: the archive is written to a temporary file in the target's
directory and moved over the target with `os.replace` only once complete,
so a failed save leaves any previous file intact; a temporary file left by
a process killed mid-save is removed by the next save to the same path.
Needs only NumPy.

A path ending in `.safetensors` is written and read in the safetensors
format instead (Hugging Face's: a JSON header and the raw little-endian
bytes, no code on load), through the `safetensors` package's NumPy API,
imported only then (`pip install "minigrad[safetensors]"`). That format
holds one flat dict of name -> array, so it takes state_dicts only.
"""
import json
import numbers
import os
import re
import secrets
import sys
import zipfile

import numpy as np

from .device import backend
from .core import Variable

_STRUCTURE = "__structure__"
_ORDER = "minigrad.order"   # .safetensors metadata: the entries' names in state_dict order
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


# -- what can be saved ------------------------------------------------------------

def _as_saveable(name, value):
    # Arrays on a device (a GPU) are copied to the host: a file holds NumPy arrays.
    array = backend.to_host(value.data if isinstance(value, Variable) else value)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"save: entry {name!r} has dtype {array.dtype}; expected a numeric array "
                        "(objects and strings would need pickle)")
    return array


def _on_device(value):
    return hasattr(value, "shape") and backend.device_of(value) is not backend.CPU


def _is_flat_state(obj):
    """A dict of str -> array-like (arrays, Variables, numbers): the layout
    np.savez writes, kept byte for byte as before checkpoints existed."""
    return isinstance(obj, dict) and all(
        isinstance(k, str) and k != _STRUCTURE and (
            isinstance(v, (np.ndarray, Variable, np.generic)) or _on_device(v)
            or (isinstance(v, numbers.Number) and not isinstance(v, bool)))
        for k, v in obj.items())


def _encode(obj, path, arrays):
    """A JSON-ready description of `obj`; its arrays go into `arrays` under
    member names derived from `path` (the keys leading to them)."""
    if isinstance(obj, (np.ndarray, Variable, np.generic)) or _on_device(obj):
        name = "/".join(path) or "array"
        if name in arrays or name == _STRUCTURE:
            name = f"{name}#{len(arrays)}"
        arrays[name] = _as_saveable(name, obj)
        return {"array": name, "scalar": isinstance(obj, np.generic)}
    if obj is None or isinstance(obj, (bool, str)):
        return {"value": obj}
    if isinstance(obj, numbers.Integral):
        return {"value": int(obj)}
    if isinstance(obj, numbers.Real):
        return {"value": float(obj)}
    if isinstance(obj, (list, tuple)):
        return {"tuple" if isinstance(obj, tuple) else "list":
                [_encode(v, path + (str(i),), arrays) for i, v in enumerate(obj)]}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: dict keys must be strings or ints, got {key!r} ({type(key).__name__}) "
                                f"at {'/'.join(path) or 'the top level'}")
            items.append([key, _encode(value, path + (str(key),), arrays)])
        return {"dict": items}
    hint = " (use model.state_dict())" if hasattr(obj, "state_dict") else ""
    raise TypeError(f"save: cannot save a {type(obj).__name__} at {'/'.join(path) or 'the top level'}{hint}; "
                    "expected dicts, lists, tuples, arrays, Variables, numbers, strings, booleans or None")


def _decode(node, archive):
    if "array" in node:
        array = archive[node["array"]]
        return array[()] if node.get("scalar") else array
    if "value" in node:
        return node["value"]
    if "list" in node:
        return [_decode(v, archive) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, archive) for v in node["tuple"])
    return {key: _decode(value, archive) for key, value in node["dict"]}


# -- saving --------------------------------------------------------------------------

def save(obj, path):
    """Write `obj` to the `.npz` file at `path` exactly (no suffix is added).

    `obj` is a dict of str name -> array (ndarray, Variable, Parameter or
    number), e.g. `model.state_dict()`, stored as `np.savez` would (a number
    comes back as a 0-d array, as before); or any nesting of dicts (str
    keys at the top, str or int keys inside), lists and tuples holding arrays,
    Variables, numbers, strings, booleans and None, e.g.
    `{"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}`,
    which `load` returns as it was. Never pickles. Atomic: on failure the
    old file is kept. A path ending in `.safetensors` writes that format
    (a flat state_dict only; needs the `safetensors` package).
    """
    if os.path.isdir(path):
        raise IsADirectoryError(f"save: {os.fspath(path)!r} is a directory; expected the path of a file "
                                f"to write, such as {os.path.join(path, 'checkpoint.npz')!r}")
    if _is_safetensors(path):
        data = _safetensors_bytes(obj, path)  # errors before any file is made
        _write_atomically(path, lambda f: f.write(data))
        return
    if isinstance(obj, dict):
        for name in obj:
            if not isinstance(name, str):
                raise TypeError(f"save: keys must be strings at the top level (ints are allowed in nested "
                                f"dicts), got {name!r} ({type(name).__name__})")
    if _is_flat_state(obj):
        arrays = {name: _as_saveable(name, value) for name, value in obj.items()}
    elif isinstance(obj, (dict, list, tuple)):
        arrays = {}
        try:
            structure = json.dumps(_encode(obj, (), arrays), allow_nan=True)
        except RecursionError:
            raise ValueError(f"save: the object for {os.fspath(path)!r} nests dicts, lists and tuples deeper than "
                             f"Python's recursion limit ({sys.getrecursionlimit()}) lets save write (or a "
                             "container holds itself); expected a checkpoint of moderate depth") from None
        arrays[_STRUCTURE] = np.frombuffer(structure.encode("utf-8"), dtype=np.uint8)
    else:
        hint = " (use model.state_dict())" if hasattr(obj, "state_dict") else ""
        raise TypeError(f"save: expected a dict of name -> array{hint}, or dicts and lists of them, "
                        f"got {type(obj).__name__}")

    def write_npz(f):
        # The same layout as np.savez: one NAME.npy member per array.
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in arrays.items():
                with archive.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)

    _write_atomically(path, write_npz)


def _write_atomically(path, write):
    """Call `write(f)` on a temporary file beside `path`, then move it over
    `path`: a failed write leaves any previous file intact."""
    path = os.fspath(path)
    _remove_stale_temporary_files(path)
    # Beside the target (so os.replace is a rename on one file system); the
    # 0o666 mode is reduced by the umask as for any newly created file.
    tmp_path = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:
        raise OSError(f"save: cannot write {path!r}: {e.strerror}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def _remove_stale_temporary_files(path):
    """Delete `path`.PID.TOKEN.tmp files whose process no longer runs: what
    a save killed before its os.replace leaves behind. A file of a live
    process (a concurrent save) is left alone."""
    directory, base = os.path.split(os.path.abspath(path))
    pattern = re.compile(re.escape(base) + r"\.(\d+)\.[0-9a-f]{8}\.tmp")
    try:
        names = os.listdir(directory)
    except OSError:
        return  # the save itself reports a missing directory
    for name in names:
        match = pattern.fullmatch(name)
        if match and not _process_is_alive(int(match.group(1))):
            try:
                os.remove(os.path.join(directory, name))
            except OSError:
                pass  # removed meanwhile, or not ours to remove: harmless


def _process_is_alive(pid):
    if pid == os.getpid():
        return True  # another thread of this process may be saving
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# -- loading ---------------------------------------------------------------------------

def load(path):
    """Read a `.npz` file written by `save` (or `np.savez`): a dict of
    name -> ndarray, or the nested structure that was saved. Raises
    FileNotFoundError or ValueError naming the file when it is missing, is
    not an .npz archive, is corrupt, holds a member that is not a .npy
    array, or holds pickled objects. A path ending in `.safetensors` is
    read in that format (a dict of name -> ndarray)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {path!r}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"load: {path!r} is a directory, not a checkpoint; expected the path of a "
                                "file written by mg.save (or np.savez)")
    if _is_safetensors(path):
        return _load_safetensors(path)
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(f"load: {path!r} is a single .npy array, not an archive of named arrays "
                         "(read it with np.load)")
    if not head.startswith(_ZIP_MAGIC):
        raise ValueError(f"load: {path!r} is not an .npz archive (a file written by mg.save or np.savez)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            others = [name for name in archive.zip.namelist() if not name.endswith(".npy")]
            if others:
                raise ValueError(f"its member {others[0]!r} is not a .npy array")
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        if "allow_pickle" in str(e):
            raise ValueError(f"load: {path!r} holds pickled Python objects, which load refuses to read "
                             "(unpickling can run arbitrary code); expected numeric arrays only") from e
        raise ValueError(f"load: cannot read {path!r} as an .npz archive of arrays: {e}") from e
    if _STRUCTURE not in arrays:
        return arrays
    try:
        structure = json.loads(arrays.pop(_STRUCTURE).tobytes().decode("utf-8"))
        return _decode(structure, arrays)
    except RecursionError:
        raise ValueError(f"load: {path!r}: its {_STRUCTURE} member nests dicts and lists deeper than Python's "
                         f"recursion limit ({sys.getrecursionlimit()}) lets load read; mg.save refuses to write "
                         "such a file, so it is damaged or was made otherwise (if you trust it, "
                         "sys.setrecursionlimit raises the limit)") from None
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"load: {path!r} has a damaged {_STRUCTURE} member: {e}") from e


# -- the safetensors format ----------------------------------------------------

def _is_safetensors(path):
    return os.fspath(path).lower().endswith(".safetensors")


def _safetensors_numpy(what):
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"{what}: .safetensors files need the safetensors package "
                          '(pip install safetensors, or pip install -e ".[safetensors]"); '
                          "without it, save to a .npz path") from None
    return safetensors.numpy


def _safetensors_bytes(obj, path):
    """The bytes of a .safetensors file holding the flat state_dict `obj`."""
    if not _is_flat_state(obj):
        nested = ""
        if isinstance(obj, dict):
            nested = next((f" (key {k!r} is not a string)" if not isinstance(k, str)
                           else f" (entry {k!r} is a {type(v).__name__})"
                           for k, v in obj.items() if not _is_flat_state({k: v})), "")
        raise TypeError(f"save: a .safetensors file holds one flat dict of name -> array (a state_dict), "
                        f"got {type(obj).__name__}{nested} for {os.fspath(path)!r}; save nested checkpoints "
                        "(model, optimizer, epoch, ...) to a .npz path, or one state_dict per .safetensors file")
    arrays = {}
    for name, value in obj.items():
        array = _as_saveable(name, value)
        # safetensors stores the raw bytes, little-endian and C-ordered.
        array = array.astype(array.dtype.newbyteorder("<"), copy=False)
        arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")
    numpy_api = _safetensors_numpy("save")
    try:
        # The format sorts its entries; the metadata keeps the state_dict's order.
        return numpy_api.save(arrays, metadata={_ORDER: json.dumps(list(arrays))})
    except Exception as e:  # SafetensorError for a dtype the format lacks (complex128, ...)
        raise TypeError(f"save: cannot write {os.fspath(path)!r} as .safetensors: {e}") from e


def _load_safetensors(path):
    numpy_api = _safetensors_numpy("load")
    try:
        with numpy_api.safe_open(path, framework="numpy") as archive:
            names = list(archive.keys())
            order = json.loads((archive.metadata() or {}).get(_ORDER, "[]"))
            if sorted(order) == sorted(names):
                names = order
            return {name: archive.get_tensor(name) for name in names}
    except Exception as e:  # SafetensorError: a damaged or foreign file
        raise ValueError(f"load: cannot read {path!r} as a .safetensors file: {e}") from e
