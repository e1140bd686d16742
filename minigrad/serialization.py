"""mg.save / mg.load: a state_dict (name -> array) to and from a `.npz`
file, without pickle, so loading a file cannot run code.

Saving is atomic: the archive is written to a temporary file in the target's
directory and moved over the target with `os.replace` only once complete,
so a failed save leaves any previous file intact. Needs only NumPy.
"""
import os
import secrets
import zipfile

import numpy as np

from .core import Variable


def _as_saveable(name, value):
    array = value.data if isinstance(value, Variable) else np.asarray(value)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"save: entry {name!r} has dtype {array.dtype}; expected a numeric array "
                        "(objects and strings would need pickle)")
    return array


def save(obj, path):
    """Write `obj`, a dict of str name -> array (ndarray, Variable, Parameter
    or number), e.g. `model.state_dict()`, to the `.npz` file at `path`
    exactly (no suffix is added). Atomic: on failure the old file is kept."""
    if not isinstance(obj, dict):
        hint = " (use model.state_dict())" if hasattr(obj, "state_dict") else ""
        raise TypeError(f"save: expected a dict of name -> array{hint}, got {type(obj).__name__}")
    arrays = {}
    for name, value in obj.items():
        if not isinstance(name, str):
            raise TypeError(f"save: keys must be strings, got {name!r} ({type(name).__name__})")
        arrays[name] = _as_saveable(name, value)
    path = os.fspath(path)
    # Beside the target (so os.replace is a rename on one file system); the
    # 0o666 mode is reduced by the umask as for any newly created file.
    tmp_path = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:
        raise OSError(f"save: cannot write {path!r}: {e.strerror}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            # The same layout as np.savez: one NAME.npy member per array.
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
                for name, array in arrays.items():
                    with archive.open(name + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def load(path):
    """Read a `.npz` file written by `save` (or `np.savez`) into a dict of
    name -> ndarray. Raises FileNotFoundError or ValueError naming the file
    when it is missing, is not an .npz archive, is corrupt or holds pickled
    objects."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {path!r}")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an archive of named arrays")
        with archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise ValueError(f"load: cannot read {path!r} as an .npz archive of arrays: {e}") from e
