"""The one write guard: every command that writes a file goes through it.

The rules, the same for ``run``, ``--resume``, ``calibrate``, ``plot``, ``report``, ``discover``,
``compare``, ``sensitivity``, ``check`` (its ``--report`` and ``--cache``), ``play`` (a saved
game and an exported one) and the app (its ``--runs-dir``, batches, report and exports):

* **Paths the user names** (`paths`): a leading ``~`` is expanded, as the shell would; an empty
  path, a name that is not UTF-8 text, the working directory, one of its parents, the home folder
  and ``/`` are refused as output folders; a named output file must not be a link, a folder or a
  file unionsim did not write, and no two outputs of a command may be the same file.
* **Folders unionsim writes as a whole** (`folders`): a results folder, a calibration folder, a
  folder of figures or tables. Each carries a marker naming its kind, written before anything
  else; a folder is written only when it is new or empty, or carries the marker of the same kind.
  A folder of another kind (a run's folder given to ``calibrate``) or holding files unionsim did
  not write is refused, with or without ``--force``.
* **Entries inside such a folder** (`entries`): only the names the command writes (its layout)
  are written or deleted; an entry that is a symbolic link is never followed, written through
  or deleted; every file is written whole (a temporary name created exclusively, then renamed);
  the folder's lock file is opened without following links and never truncated before it is
  held.
"""

from unionsim.guard.entries import (LOCK, Layout, checked_entry, folder_lock, make_dir,
                                    read_entry_bytes, remove_layout, write_bytes, write_error,
                                    write_json, write_text, writing)
from unionsim.guard.folders import (KINDS, MARKER_PREFIX, claim_folder, folder_marker,
                                    mark_folder, marker_name, visible_entries)
from unionsim.guard.paths import (HTML_STAMP, PNG_SOFTWARE, check_named_output, check_out_dir,
                                  distinct_outputs, is_unionsim_png, user_path,
                                  write_named, written_by_unionsim)

__all__ = ["HTML_STAMP", "PNG_SOFTWARE", "is_unionsim_png",
           "written_by_unionsim", "KINDS", "LOCK", "Layout", "MARKER_PREFIX", "mark_folder", "check_named_output", "check_out_dir",
           "checked_entry", "claim_folder", "distinct_outputs", "folder_lock", "folder_marker",
           "make_dir", "marker_name", "read_entry_bytes", "remove_layout", "user_path",
           "visible_entries", "write_bytes", "writing", "write_error", "write_json", "write_named",
           "write_text"]
