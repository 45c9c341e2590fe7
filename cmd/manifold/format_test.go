package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFormatOnReadCommands: docker's --format forms on inspect, platforms,
// resolve, tags and repos, read from the JSON keys.
func TestFormatOnReadCommands(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	lines := func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

	if out := mustRun(t, "inspect", fx.ref, "--format", "{{.digest}}"); out != fx.digest+"\n" {
		t.Errorf("inspect --format {{.digest}} = %q", out)
	}
	out := mustRun(t, "inspect", fx.ref, "--format", `table {{.platformString}}\t{{.platform.architecture}}\t{{.digest}}`)
	ls := lines(out)
	if len(ls) != 1+len(fx.digests) || !strings.HasPrefix(ls[0], "PLATFORM STRING") || !strings.Contains(ls[0], "ARCHITECTURE") ||
		!strings.Contains(ls[1], "linux/amd64") || !strings.Contains(ls[1], fx.digests[0]) {
		t.Errorf("inspect table template:\n%s", out)
	}
	out = mustRun(t, "inspect", fx.ref, "--format", "{{range .manifests}}{{.platform.os}}/{{.platform.architecture}} {{end}}")
	if !strings.HasPrefix(out, "linux/amd64 unknown/unknown linux/arm ") {
		t.Errorf("inspect range: %q", out)
	}
	if out := mustRun(t, "inspect", fx.ref, "--format", "{{json .annotations}}"); strings.TrimSpace(out) != `{"org.opencontainers.image.source":"https://example.com/app"}` {
		t.Errorf("json func: %q", out)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "inspect", fx.ref, "--format", "json")), &v); err != nil || v["digest"] != fx.digest {
		t.Errorf("--format json: %v %v", err, v["digest"])
	}

	out = mustRun(t, "platforms", fx.ref, "--format", "{{.platformString}} {{.platform.architecture}}")
	if ls := lines(out); len(ls) != 6 || ls[0] != "linux/amd64 amd64" || ls[2] != "linux/arm/v7 arm" || ls[5] != "windows/amd64:10.0.20348.2113 amd64" {
		t.Errorf("platforms --format:\n%s", out)
	}
	out = mustRun(t, "platforms", fx.ref, "--format", "json")
	var row map[string]any
	if err := json.Unmarshal([]byte(lines(out)[0]), &row); err != nil || row["platform"].(map[string]any)["architecture"] != "amd64" {
		t.Errorf("platforms json rows: %v\n%s", err, out)
	}

	out = mustRun(t, "resolve", fx.ref, "--platform", "linux/arm/v8", "--format", "{{.platformString}} {{.platform.variant}} {{.host.variant}}")
	if out != "linux/arm/v7 v7 v8\n" {
		t.Errorf("resolve --format = %q", out)
	}
	out = mustRun(t, "resolve", fx.ref, "--platform", "linux/arm/v7", "--format", `table {{.platformString}}\t{{.match}}`)
	if ls := lines(out); !strings.HasPrefix(ls[0], "PLATFORM STRING") || !strings.Contains(ls[1], "linux/arm/v7") || !strings.Contains(ls[1], "true") {
		t.Errorf("resolve table template:\n%s", out)
	}

	out = mustRun(t, "tags", host+"/app", "--format", "{{.reference}}")
	if out != host+"/app:v1\n" {
		t.Errorf("tags --format = %q", out)
	}
	out = mustRun(t, "tags", host+"/app", "--format", `table {{.name}}\t{{.repository}}`)
	if ls := lines(out); len(ls) != 2 || !strings.HasPrefix(ls[0], "NAME") || !strings.HasPrefix(ls[1], "v1") {
		t.Errorf("tags table template:\n%s", out)
	}
	out = mustRun(t, "repos", host, "--format", "{{.repository}}")
	if !strings.Contains(out, host+"/app\n") {
		t.Errorf("repos --format = %q", out)
	}

	for _, args := range [][]string{
		{"inspect", fx.ref, "--format", "{{.digest"},
		{"inspect", fx.ref, "-o", "json", "--format", "{{.digest}}"},
	} {
		if code, _, errs := runCLI(args...); code == 0 || errs == "" {
			t.Errorf("%v accepted", args)
		}
	}
	// Every read command documents its fields.
	for _, c := range []string{"inspect", "platforms", "resolve", "tags", "repos"} {
		help := mustRun(t, c, "--help")
		if !strings.Contains(help, "--format (docker's convention)") || !strings.Contains(help, "digest") && c != "tags" && c != "repos" {
			t.Errorf("%s --help does not document --format fields", c)
		}
	}
}
