package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// complete runs cobra's __complete and returns the offered words and the
// directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	out := mustRun(t, append([]string{"__complete"}, args...)...)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func has(words []string, want ...string) bool {
	set := map[string]bool{}
	for _, w := range words {
		set[w] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func TestCompletionKnowsThings(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	fx := standardIndex(t, host)
	mustMF(t, "create", host+"/app:v9", refs[0])
	mustMF(t, "create", host+"/other:v1", refs[1], "--name", "release")

	if w, _ := complete(t, "push", ""); !has(w, host+"/app:v9", "release") {
		t.Errorf("push LIST: %v", w)
	}
	if w, _ := complete(t, "annotate", "rel"); len(w) != 1 || w[0] != "release" {
		t.Errorf("annotate rel: %v", w)
	}
	if w, _ := complete(t, "inspect", fx.ref, "-o", ""); strings.Join(w, ",") != "table,json,raw" {
		t.Errorf("inspect -o: %v", w)
	}
	if w, _ := complete(t, "resolve", fx.ref, "-o", ""); strings.Join(w, ",") != "text,json" {
		t.Errorf("resolve -o: %v", w)
	}
	if w, _ := complete(t, "tags", host+"/app", "--sort", ""); strings.Join(w, ",") != "none,name,version" {
		t.Errorf("tags --sort: %v", w)
	}
	if w, _ := complete(t, "inspect", fx.ref, "--format", ""); !has(w, "json", "table") {
		t.Errorf("--format: %v", w)
	}
	w, _ := complete(t, "resolve", fx.ref, "--platform", "")
	if !has(w, "linux/amd64", "linux/arm/v7", "windows/amd64:10.0.20348.2113") || has(w, "unknown/unknown") {
		t.Errorf("resolve --platform from the index: %v", w)
	}
	w, dir := complete(t, "inspect", host+"/a")
	if !has(w, host+"/app") || !strings.Contains(dir, ":6") { // NoSpace|NoFileComp: a tag may follow
		t.Errorf("repositories: %v %s", w, dir)
	}
	if w, _ := complete(t, "inspect", host+"/app:v"); !has(w, host+"/app:v1") {
		t.Errorf("tags: %v", w)
	}
	if w, _ := complete(t, "tags", host+"/sr"); !has(w, host+"/src-a", host+"/src-b") {
		t.Errorf("tags REPO: %v", w)
	}
}

// TestCompletionNeverHangs: a registry that never answers gives an empty
// completion (bounded by the completion timeout), not a hung shell.
func TestCompletionNeverHangs(t *testing.T) {
	readEnv(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	host := strings.TrimPrefix(srv.URL, "http://")
	if w, _ := complete(t, "inspect", host+"/a"); len(w) != 0 {
		t.Errorf("from a silent registry: %v", w)
	}
	if w, _ := complete(t, "resolve", host+"/a:b", "--platform", ""); len(w) != 0 {
		t.Errorf("platforms from a silent registry: %v", w)
	}
}
