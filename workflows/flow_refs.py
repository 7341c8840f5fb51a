"""Rewriting the flow references Viewflow stores, when an agenda moves a flow to another module.

Viewflow keeps ``app_label/module.FlowClass`` in ``viewflow_process.flow_class`` and
``app_label/module.FlowClass.node`` in ``viewflow_task.flow_task``. A data migration of the
agenda that moved its flows calls :func:`rename_flow_refs` with ``{old: new}`` class
references; it runs one set-based UPDATE per table (no row is loaded into Python).
"""

from __future__ import annotations


def rename_flow_refs(schema_editor, renames: dict[str, str]) -> dict[str, int]:
    """Rewrite process and task references from each old flow reference to the new one:
    one UPDATE per table (a single scan), whatever the number of flows."""
    if not renames:
        return {"processes": 0, "tasks": 0}
    olds = list(renames)
    with schema_editor.connection.cursor() as cursor:
        cases = " ".join("WHEN flow_class = %s THEN %s" for _ in olds)
        cursor.execute(
            f"UPDATE viewflow_process SET flow_class = CASE {cases} END "
            f"WHERE flow_class IN ({', '.join('%s' for _ in olds)})",
            [v for old in olds for v in (old, renames[old])] + olds,
        )
        processes = cursor.rowcount
        prefixes = [(old + ".", renames[old] + ".") for old in olds]
        cases = " ".join("WHEN substr(flow_task, 1, %s) = %s THEN %s || substr(flow_task, %s)" for _ in prefixes)
        where = " OR ".join("substr(flow_task, 1, %s) = %s" for _ in prefixes)
        cursor.execute(
            f"UPDATE viewflow_task SET flow_task = CASE {cases} END WHERE {where}",
            [v for old, new in prefixes for v in (len(old), old, new, len(old) + 1)]
            + [v for old, _new in prefixes for v in (len(old), old)],
        )
        tasks = cursor.rowcount
    return {"processes": processes, "tasks": tasks}


def flow_refs_operation(renames: dict[str, str]):
    """A ``RunPython`` operation that applies ``renames`` forwards and reverses it backwards."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        rename_flow_refs(schema_editor, renames)

    def backwards(apps, schema_editor):
        rename_flow_refs(schema_editor, {new: old for old, new in renames.items()})

    return migrations.RunPython(forwards, backwards, elidable=False)
