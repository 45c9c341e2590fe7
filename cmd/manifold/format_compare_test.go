package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFormatOnDiffSizesCheck: --format on diff, sizes and check, through
// the shared hook: json, a Go template with json, and 'table TEMPLATE'
// (one row a platform or problem), with the fields in the help.
func TestFormatOnDiffSizesCheck(t *testing.T) {
	host := readEnv(t)
	lines := func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

	// diff
	amd, arm := p("linux", "amd64", "", ""), p("linux", "arm64", "v8", "")
	pushGoIndex(t, host+"/fmtgo:1", nil, nil, goImage{plat: amd, version: "1.22"}, goImage{plat: arm, version: "1.22"})
	pushGoIndex(t, host+"/fmtgo:2", nil, nil, goImage{plat: amd, version: "1.23"}, goImage{plat: p("linux", "386", "", ""), version: "1.23"})
	a, b := host+"/fmtgo:1", host+"/fmtgo:2"
	var d map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "diff", a, b, "--format", "json")), &d); err != nil || d["from"].(map[string]any)["reference"] != a {
		t.Errorf("diff --format json: %v %v", err, d)
	}
	if out := mustRun(t, "diff", a, b, "--format", "{{.to.reference}} {{json .platforms}}"); !strings.HasPrefix(out, b+` [{"`) || !strings.Contains(out, `"change":"changed"`) || !strings.Contains(out, `"platform":"linux/386"`) {
		t.Errorf("diff --format template = %q", out)
	}
	out := mustRun(t, "diff", a, b, "--format", `table {{.platform}}\t{{.change}}`)
	if ls := lines(out); len(ls) != 4 || !strings.HasPrefix(ls[0], "PLATFORM") || !strings.Contains(ls[0], "CHANGE") ||
		!strings.Contains(out, "linux/amd64") || !strings.Contains(out, "removed") || !strings.Contains(out, "added") {
		t.Errorf("diff table template:\n%s", out)
	}

	// sizes
	sizesIndex(t, host+"/fmtsized:1")
	var s map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "sizes", host+"/fmtsized:1", "--format", "json")), &s); err != nil || len(s["platforms"].([]any)) != 2 {
		t.Errorf("sizes --format json: %v %v", err, s)
	}
	if out := mustRun(t, "sizes", host+"/fmtsized:1", "--format", "{{.uniqueBytes}} {{json .attestations}}"); !strings.HasSuffix(out, `,"count":1}`+"\n") {
		t.Errorf("sizes --format template = %q", out)
	}
	out = mustRun(t, "sizes", host+"/fmtsized:1", "--format", `table {{.platform}}\t{{.compressed}}\t{{.layers}}`)
	if ls := lines(out); len(ls) != 3 || !strings.HasPrefix(ls[0], "PLATFORM") || !strings.Contains(ls[0], "COMPRESSED") ||
		!strings.HasPrefix(ls[1], "linux/amd64") || !strings.HasPrefix(ls[2], "linux/arm64") {
		t.Errorf("sizes table template:\n%s", out)
	}

	// check: a problem keeps exit 1 whatever the format.
	fx := pushIndex(t, host+"/fmtcheck:1", false, nil, img(amd), img(arm))
	code, out, errs := runCLI("check", fx.ref, "--expect", "linux/amd64,linux/riscv64", "--format", "json")
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); code != checkProblems || err != nil || c.OK || len(c.Problems) != 1 {
		t.Errorf("check --format json: exit %d %v %+v %s", code, err, c, errs)
	}
	code, out, _ = runCLI("check", fx.ref, "--expect", "linux/riscv64", "--format", "{{.ok}} {{json .problems}}")
	if code != checkProblems || !strings.HasPrefix(out, `false [{"code":"missing-platform",`) || !strings.HasSuffix(out, `"platform":"linux/riscv64"}]`+"\n") {
		t.Errorf("check --format template: exit %d %q", code, out)
	}
	code, out, _ = runCLI("check", fx.ref, "--expect", "linux/riscv64", "--format", `table {{.code}}\t{{.platform}}`)
	if ls := lines(out); code != checkProblems || len(ls) != 2 || !strings.HasPrefix(ls[0], "CODE") || !strings.HasPrefix(ls[1], "missing-platform") || !strings.Contains(ls[1], "linux/riscv64") {
		t.Errorf("check table template: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI("check", fx.ref, "--expect", "linux/amd64", "-o", "json", "--format", "{{.ok}}"); code != checkCannot {
		t.Errorf("check -o json --format: exit %d, want %d", code, checkCannot)
	}
	if code, _, errs := runCLI("diff", a, b, "--format", "{{.to"); code == 0 || errs == "" {
		t.Errorf("diff with a broken template: exit %d %q", code, errs)
	}

	for c, want := range map[string]string{"diff": "sizeDelta", "sizes": "uncompressed", "check": "problems[]"} {
		if help := mustRun(t, c, "--help"); !strings.Contains(help, "--format (docker's convention)") || !strings.Contains(help, want) {
			t.Errorf("%s --help does not document --format fields", c)
		}
	}
}
