package main

import (
	"strings"
	"testing"
)

// TestReadOnlyRefusesEveryWriteCommand: with --readonly, push, tag (same
// and another repository), rm and cp exit non-zero saying readonly, and
// the registry is unchanged; reads still work.
func TestReadOnlyRefusesEveryWriteCommand(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, "create", list, refs[0], refs[1])
	mustMF(t, "push", list)
	_, _, d := readIndex(t, list)
	mustMF(t, "create", host+"/app:v2", refs[0])
	for _, args := range [][]string{
		{"push", host + "/app:v2"},
		{"push", host + "/app:v2", "--yes"},
		{"tag", list, "stable"},
		{"tag", list, host + "/copy:v1"},
		{"rm", list, "--yes"},
		{"cp", list, host + "/mirror:v1", "--yes"},
	} {
		code, out, errs := mf(t, append([]string{"--readonly"}, args...)...)
		if code == 0 || !strings.Contains(errs, "readonly") {
			t.Errorf("--readonly %v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errs)
		}
	}
	if _, _, d2 := readIndex(t, list); d2 != d {
		t.Fatal("the list changed under --readonly")
	}
	for _, ref := range []string{host + "/app:v2", host + "/app:stable", host + "/copy:v1", host + "/mirror:v1"} {
		if code, _, _ := mf(t, "inspect", ref); code == 0 {
			t.Errorf("%s was written under --readonly", ref)
		}
	}
	if out := mustMF(t, "--readonly", "inspect", list); !strings.Contains(out, "linux/amd64") {
		t.Fatalf("reads fail under --readonly: %s", out)
	}
}
