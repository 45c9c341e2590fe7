package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// After the staging pane pushes a tag, every open tag list of that
// repository refreshes, so going back shows the new tag; other repositories'
// lists are left alone.
func TestTagWrittenRefreshesThatRepositorysTags(t *testing.T) {
	f := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/app", 100, 30)
	if strings.Contains(hs.screen(), "3.0.0") {
		t.Fatal("3.0.0 listed before it exists")
	}
	f.Mu.Lock()
	f.TagsOf["localhost:5000/app"] = append(f.TagsOf["localhost:5000/app"], "3.0.0")
	f.Mu.Unlock()

	hs.send(common.TagWrittenMsg{Repo: "localhost:5000/cli"})
	if strings.Contains(hs.screen(), "3.0.0") {
		t.Fatal("a push to another repository refreshed this list")
	}
	hs.send(common.TagWrittenMsg{Repo: "localhost:5000/app"})
	if !strings.Contains(hs.screen(), "3.0.0") {
		t.Fatalf("the pushed tag is not listed after the push:\n%s", hs.screen())
	}
}

func TestSameRepo(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"docker.io/library/alpine", "index.docker.io/library/alpine", true},
		{"localhost:5000/app", "localhost:5000/app", true},
		{"localhost:5000/app", "localhost:5000/cli", false},
		{"localhost:5000/app", "localhost:5001/app", false},
	} {
		if got := common.SameRepo(c.a, c.b); got != c.want {
			t.Errorf("sameRepo(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
