def test_refer_then_show(run, agencies):
    out = run("scr", "refer", "--pseudonym", "Child A", "--on", "2008-03-20").stdout
    assert out.splitlines()[0] == "SCR-2008-001"
    assert "20 Apr 2008" in out
