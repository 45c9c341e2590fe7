package verbs

import (
	"fmt"
	"testing"

	"github.com/manifold-dev/manifold/model"
)

func rbEntry(i int, arch string, ann map[string]string) model.StagedEntry {
	return model.StagedEntry{Repository: "h/r", Digest: fmt.Sprintf("sha256:%064x", i), MediaType: model.MediaTypeOCIManifest, Size: 1,
		Platform: &model.Platform{OS: "linux", Architecture: arch}, Annotations: ann}
}

func digests(es []model.StagedEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Digest[len(e.Digest)-1:])
	}
	return out
}

// The three-way merge of Rebase: the user's changes since the base go onto
// what the tag holds now; the other writer's changes stay.
func TestRebaseOntoCarriesBothSidesChanges(t *testing.T) {
	base := &model.StagedList{Annotations: map[string]string{"keep": "1", "gone": "1"},
		Entries: []model.StagedEntry{rbEntry(1, "amd64", nil), rbEntry(2, "arm64", nil), rbEntry(3, "386", nil), rbEntry(4, "s390x", nil)}}
	// Mine: 2 annotated, 3 removed, 5 added, index annotation "gone" removed and "mine" set.
	mine := &model.StagedList{Name: "l", Target: "h/r:v1", Annotations: map[string]string{"keep": "1", "mine": "x"},
		Entries: []model.StagedEntry{rbEntry(1, "amd64", nil), rbEntry(2, "arm64", map[string]string{"a": "mine"}), rbEntry(4, "s390x", nil), rbEntry(5, "riscv64", nil)}}
	// Theirs: 1 annotated by them, 4 removed, 6 added, index annotation "theirs".
	theirs := &model.StagedList{Annotations: map[string]string{"keep": "1", "gone": "1", "theirs": "y"},
		Entries: []model.StagedEntry{rbEntry(1, "amd64", map[string]string{"t": "theirs"}), rbEntry(2, "arm64", nil), rbEntry(3, "386", nil), rbEntry(6, "ppc64le", nil)}}

	rb := rebaseOnto(mine, base, theirs)
	l := rb.List
	if got := fmt.Sprint(digests(l.Entries)); got != "[1 2 6 5]" {
		t.Fatalf("entries %s, want [1 2 6 5]", got)
	}
	if l.Entries[0].Annotations["t"] != "theirs" {
		t.Errorf("their annotation of an entry the user did not touch was reverted: %+v", l.Entries[0])
	}
	if l.Entries[1].Annotations["a"] != "mine" {
		t.Errorf("the user's annotation was lost: %+v", l.Entries[1])
	}
	if fmt.Sprint(l.Annotations) != "map[keep:1 mine:x theirs:y]" {
		t.Errorf("index annotations %v", l.Annotations)
	}
	if fmt.Sprint(digests(rb.Edited), digests(rb.Added), digests(rb.Removed), digests(rb.Dropped)) != "[2] [5] [3] [4]" {
		t.Errorf("report: edited %v added %v removed %v dropped %v", digests(rb.Edited), digests(rb.Added), digests(rb.Removed), digests(rb.Dropped))
	}
	if l.Name != "l" || l.Target != "h/r:v1" {
		t.Errorf("name %q target %q", l.Name, l.Target)
	}

	// Without the base, nothing of the user's is dropped or removed.
	rb = rebaseOnto(mine, nil, theirs)
	if got := fmt.Sprint(digests(rb.List.Entries)); got != "[1 2 3 6 4 5]" || rb.BaseRead {
		t.Fatalf("without a base: %s", got)
	}
	// A tag that is gone: the list is the user's, whole.
	rb = rebaseOnto(mine, base, nil)
	if got := fmt.Sprint(digests(rb.List.Entries)); got != "[1 2 4 5]" {
		t.Fatalf("onto nothing: %s (dropped %v)", got, digests(rb.Dropped))
	}
}
