package stagestore

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/model"
)

// An edit read at one revision is refused once another writer saved the
// list, and the refusal carries what is on disk now.
func TestSaveIfRefusesAStaleRevision(t *testing.T) {
	dir := t.TempDir()
	tui, _ := OpenDir(dir)
	cli, _ := OpenDir(dir)
	if err := tui.Create(&model.StagedList{Name: "n", Entries: []model.StagedEntry{entry(1)}}); err != nil {
		t.Fatal(err)
	}
	l, rev, err := tui.LoadRev("n")
	if err != nil || rev != 1 {
		t.Fatalf("load: rev %d, %v", rev, err)
	}
	if _, err := cli.Update("n", func(l *model.StagedList) error { l.Add(entry(2)); return nil }); err != nil {
		t.Fatal(err)
	}
	l.Add(entry(3))
	_, err = tui.SaveIf(l, rev)
	var ch *ChangedError
	if !errors.As(err, &ch) || !errors.Is(err, ErrChanged) || ch.List == nil || len(ch.List.Entries) != 2 || ch.Revision != 2 {
		t.Fatalf("stale save: %v %+v", err, ch)
	}
	if got, _ := cli.Load("n"); len(got.Entries) != 2 {
		t.Fatalf("the refused save wrote: %d entries", len(got.Entries))
	}
	// Redone on what is there now, it lands.
	ch.List.Add(entry(3))
	rev, err = tui.SaveIf(ch.List, ch.Revision)
	if err != nil || rev != 3 {
		t.Fatalf("save at the current revision: rev %d %v", rev, err)
	}
	// A discard of a list changed since is refused too.
	if err := tui.DiscardIf("n", 2); !errors.Is(err, ErrChanged) {
		t.Fatalf("stale discard: %v", err)
	}
	if err := tui.DiscardIf("n", 3); err != nil {
		t.Fatal(err)
	}
	// Saving a list someone discarded is refused; a new one at 0 is not.
	if _, err := tui.SaveIf(&model.StagedList{Name: "n"}, 3); !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "discarded") {
		t.Fatalf("save of a discarded list: %v", err)
	}
	if _, err := tui.SaveIf(&model.StagedList{Name: "n"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tui.SaveIf(&model.StagedList{Name: "n"}, 0); !errors.Is(err, ErrChanged) {
		t.Fatalf("second save at revision 0: %v", err)
	}
}

func TestChangeSeesWhatIsOnDisk(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	create := func(cur *model.StagedList) (*model.StagedList, error) {
		if cur != nil {
			return nil, ErrExists
		}
		return &model.StagedList{Name: "n", Entries: []model.StagedEntry{entry(1)}}, nil
	}
	if _, rev, err := s.Change("n", create); err != nil || rev != 1 {
		t.Fatalf("create: %d %v", rev, err)
	}
	if _, _, err := s.Change("n", create); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	if _, _, err := s.Change("n", func(*model.StagedList) (*model.StagedList, error) {
		return &model.StagedList{Name: "other"}, nil
	}); err == nil {
		t.Fatal("a change that renames was accepted")
	}
	if l, _ := s.Load("n"); len(l.Entries) != 1 {
		t.Fatal("a failed change was saved")
	}
}

// Names beginning with a dot are stored and listed: no list is kept that
// the user cannot see.
func TestDotNamesAreListed(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	names := []string{".hidden", ".", "..", "../x", "./y", "a/../b"}
	for _, n := range names {
		if err := s.Create(&model.StagedList{Name: n, Target: "localhost:5000/a:1"}); err != nil {
			t.Fatalf("create %q: %v", n, err)
		}
	}
	ls, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range ls {
		if l.Err != nil {
			t.Errorf("%q: %v", l.Name, l.Err)
		}
		seen[l.Name] = true
	}
	for _, n := range names {
		if !seen[n] {
			t.Errorf("%q is stored but not listed (listed: %+v)", n, ls)
		}
		if _, err := s.Load(n); err != nil {
			t.Errorf("load %q: %v", n, err)
		}
		if err := s.Discard(n); err != nil {
			t.Errorf("discard %q: %v", n, err)
		}
	}
	if ls, _ := s.List(); len(ls) != 0 {
		t.Fatalf("left after discarding all: %+v", ls)
	}
}

// The file name of every list stays one element of the store's directory,
// and decodes back to the name.
func TestEscapeName(t *testing.T) {
	for _, n := range []string{"localhost:5000/app:v1", `a\b`, "x*?<>|\"", "..", "../../etc/passwd"} {
		e := escapeName(n)
		if strings.ContainsAny(e, `/`+fileNameEscapes) {
			t.Errorf("%q escapes to %q", n, e)
		}
		if back, err := url.PathUnescape(e); err != nil || back != n {
			t.Errorf("%q escapes to %q, which decodes to %q (%v)", n, e, back, err)
		}
	}
}
