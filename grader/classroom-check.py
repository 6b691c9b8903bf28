"""classroom-check.py -- make test: the GitHub Classroom workflow of a release
(grader/classroom.sh) is well formed, with PyYAML when it is installed, else
with a line-by-line structure check of the same facts:

    python3 grader/classroom-check.py WORKFLOW NN...

Checks: one autograding-command-grader step per chapter NN running
`make grade CH=NN`, each with an id; the reporter's `runners` lists exactly
those ids, and its env has <ID>_RESULTS = ${{steps.<id>.outputs.result}}
for each. It cannot run the workflow: that needs GitHub's runners."""
import re
import sys


def steps_by_yaml(text):
    import yaml
    doc = yaml.safe_load(text)
    steps = doc["jobs"]["run-autograding-tests"]["steps"]
    assert doc.get("on") or doc.get(True), "no 'on' triggers"
    return steps


def steps_by_lines(text):
    """The steps of the one job, as classroom.sh indents them (6 spaces for
    '- name', 8 for a key, 10 for a key of with/env)."""
    if "\t" in text:
        raise AssertionError("a tab in the YAML")
    steps, cur, sub = [], None, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^      - (\w[\w-]*): (.*)$", line)
        if m:
            cur = {m.group(1): m.group(2)}
            steps.append(cur)
            sub = None
            continue
        m = re.match(r"^        (\w[\w-]*):(?: (.*))?$", line)
        if m and cur is not None:
            if m.group(2) is None:
                sub = cur[m.group(1)] = {}
            else:
                cur[m.group(1)] = m.group(2)
                sub = None
            continue
        m = re.match(r'^          ([\w-]+): (.*)$', line)
        if m and sub is not None:
            sub[m.group(1)] = m.group(2).strip('"').strip("'")
            continue
        if cur is not None and not line.startswith("      "):
            raise AssertionError("unexpected line after the steps: " + line)
    return steps


def main():
    path, chapters = sys.argv[1], sys.argv[2:]
    text = open(path, encoding="utf-8").read()
    try:
        import yaml  # noqa: F401
        steps, how = steps_by_yaml(text), "PyYAML"
    except ImportError:
        steps, how = steps_by_lines(text), "a line-by-line structure check (no PyYAML)"
    graders = [s for s in steps if "autograding-command-grader" in str(s.get("uses", ""))]
    ids = [s["id"] for s in graders]
    for s, ch in zip(graders, chapters):
        assert str(s["with"]["command"]) == "make grade CH=" + ch, s
        assert int(s["with"]["max-score"]) > 0 and int(s["with"]["timeout"]) > 0, s
    assert len(graders) == len(chapters), "%d grader steps for %d chapters" % (len(graders), len(chapters))
    reporter = [s for s in steps if "autograding-grading-reporter" in str(s.get("uses", ""))]
    assert len(reporter) == 1 and reporter[0] is steps[-1], "the reporter is not the one last step"
    assert str(reporter[0]["with"]["runners"]).split(",") == ids, "runners do not list the grader ids"
    env = reporter[0]["env"]
    for i in ids:
        want = "${{steps.%s.outputs.result}}" % i
        assert env.get(i.upper() + "_RESULTS") == want, "env %s_RESULTS is not %s" % (i.upper(), want)
    print("%s: %d chapter steps and the reporter, well formed (%s)" % (path, len(ids), how))


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, KeyError, TypeError, ValueError) as e:
        print("classroom workflow: %s: %r" % (sys.argv[1], e), file=sys.stderr)
        sys.exit(1)
