package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRootWithoutTerminalPointsToScripts(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"localhost:5000/app:1"}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "manifold inspect localhost:5000/app:1") {
		t.Fatalf("code %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := run(nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "--theme") {
		t.Fatalf("no argument and no terminal should print the help (with --theme): code %d\n%s", code, out.String())
	}
	if code := run([]string{"a", "b"}, &out, &errb); code == 0 {
		t.Fatal("two arguments accepted")
	}
}

func TestLastRegistryIsRemembered(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	if got := lastRegistry(); got != "" {
		t.Fatalf("fresh config: %q", got)
	}
	rememberRegistry("registry.example.com:5000")
	if got := lastRegistry(); got != "registry.example.com:5000" {
		t.Fatalf("remembered %q", got)
	}
	// A demo registry is never remembered: it is gone after the demo.
	demoHosts["127.0.0.1:40000"] = true
	defer delete(demoHosts, "127.0.0.1:40000")
	rememberRegistry("127.0.0.1:40000")
	if got := lastRegistry(); got != "registry.example.com:5000" {
		t.Fatalf("the demo registry replaced the last one: %q", got)
	}
	// A corrupt state file is ignored, not fatal.
	p := statePath()
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := lastRegistry(); got != "" {
		t.Fatalf("corrupt state gave %q", got)
	}
	if filepath.Base(filepath.Dir(p)) != "manifold" {
		t.Fatalf("state at %s", p)
	}
}
