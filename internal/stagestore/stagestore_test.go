package stagestore

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/model"
)

func entry(i int) model.StagedEntry {
	return model.StagedEntry{Source: fmt.Sprintf("localhost:5000/a:%d", i), Repository: "localhost:5000/a",
		Digest: fmt.Sprintf("sha256:%064x", i), MediaType: model.MediaTypeOCIManifest, Size: 10,
		Platform: &model.Platform{OS: "linux", Architecture: "amd64"}}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &model.StagedList{Name: "localhost:5000/app:v1", Target: "localhost:5000/app:v1", Base: fmt.Sprintf("sha256:%064x", 9),
		Annotations: map[string]string{"k": "v"}, Entries: []model.StagedEntry{entry(1), entry(2)}}
	if err := s.Create(l); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(l); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	got, err := s.Load(l.Name)
	if err != nil {
		t.Fatal(err)
	}
	r1, d1, _ := l.Render()
	r2, d2, _ := got.Render()
	if d1 != d2 || string(r1) != string(r2) || got.Base != l.Base || got.Updated.IsZero() {
		t.Fatalf("round trip changed the list: %+v", got)
	}
	// The name is escaped into one file in the store's directory.
	files, _ := filepath.Glob(filepath.Join(s.Dir(), "*.json"))
	if len(files) != 1 || filepath.Dir(files[0]) != s.Dir() {
		t.Fatalf("files: %v", files)
	}
	if _, err := s.Load("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing list: %v", err)
	}
}

func TestListRenameDiscard(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	for _, n := range []string{"b/x:1", "a/y:2"} {
		if err := s.Save(&model.StagedList{Name: n, Target: n, Entries: []model.StagedEntry{entry(1)}}); err != nil {
			t.Fatal(err)
		}
	}
	// A leftover temp file of a crashed write and a corrupt file.
	os.WriteFile(filepath.Join(s.Dir(), ".tmp-123"), []byte("{half"), 0o600)
	os.WriteFile(filepath.Join(s.Dir(), "broken.json"), []byte("{half"), 0o600)
	ls, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 3 || ls[0].Name != "a/y:2" || ls[1].Name != "b/x:1" || ls[2].Name != "broken" || ls[2].Err == nil || ls[0].Entries != 1 {
		t.Fatalf("list: %+v", ls)
	}
	if err := s.Rename("a/y:2", "b/x:1"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto a taken name: %v", err)
	}
	if err := s.Rename("a/y:2", "c"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.Load("c"); err != nil || l.Name != "c" || l.Target != "a/y:2" {
		t.Fatalf("renamed: %+v %v", l, err)
	}
	if _, err := s.Load("a/y:2"); !errors.Is(err, ErrNotFound) {
		t.Fatal("old name still there")
	}
	if err := s.Discard("c"); err != nil {
		t.Fatal(err)
	}
	if err := s.Discard("c"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second discard: %v", err)
	}
	if err := s.Save(&model.StagedList{Name: " "}); err == nil {
		t.Fatal("blank name saved")
	}
}

func TestUpdateFailureKeepsList(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	s.Save(&model.StagedList{Name: "n", Entries: []model.StagedEntry{entry(1)}})
	_, err := s.Update("n", func(l *model.StagedList) error {
		l.Entries = nil
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	if l, _ := s.Load("n"); len(l.Entries) != 1 {
		t.Fatal("failed update was saved")
	}
	if _, err := s.Update("n", func(l *model.StagedList) error { l.Name = "m"; return nil }); err == nil {
		t.Fatal("rename through update accepted")
	}
}

// TestConcurrentUpdates runs read-modify-write cycles from two stores on the
// same directory (two open lock files, as two processes have): the lock
// makes every append land.
func TestConcurrentUpdates(t *testing.T) {
	dir := t.TempDir()
	s1, _ := OpenDir(dir)
	s2, _ := OpenDir(dir)
	s1.Save(&model.StagedList{Name: "n"})
	var wg sync.WaitGroup
	const each = 25
	for w, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Update("n", func(l *model.StagedList) error {
					l.Add(entry(w*1000 + i))
					return nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	l, err := s1.Load("n")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 2*each {
		t.Fatalf("lost updates: %d entries, want %d", len(l.Entries), 2*each)
	}
}

func TestNewerFormatRefused(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	os.WriteFile(s.path("n"), []byte(`{"version": 99, "list": {"name": "n"}}`), 0o600)
	if _, err := s.Load("n"); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("got %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(EnvDataDir, "/x/y")
	if d, _ := DefaultDir(); d != "/x/y/staged" {
		t.Fatalf("override: %s", d)
	}
	t.Setenv(EnvDataDir, "")
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, _ := DefaultDir(); d != "/data/manifold/staged" {
		t.Fatalf("xdg: %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := DefaultDir(); d != "/home/u/.local/share/manifold/staged" {
		t.Fatalf("home: %s", d)
	}
}

// TestKilledWriterLosesNothing re-runs this test binary as a writer that
// appends entries as fast as it can, kills it with SIGKILL at varying
// moments, and checks that the list on disk always loads and only grows.
func TestKilledWriterLosesNothing(t *testing.T) {
	if dir := os.Getenv("STAGESTORE_WRITER_DIR"); dir != "" {
		s, _ := OpenDir(dir)
		for i := 0; ; i++ {
			s.Update("n", func(l *model.StagedList) error { l.Add(entry(i + 1_000_000*os.Getpid())); return nil })
		}
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	s, _ := OpenDir(dir)
	s.Save(&model.StagedList{Name: "n"})
	last := 0
	for round := 0; round < 5; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLosesNothing$")
		cmd.Env = append(os.Environ(), "STAGESTORE_WRITER_DIR="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+round*15) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		l, err := s.Load("n")
		if err != nil {
			t.Fatalf("round %d: list unreadable after kill: %v", round, err)
		}
		if len(l.Entries) < last {
			t.Fatalf("round %d: list shrank from %d to %d", round, last, len(l.Entries))
		}
		last = len(l.Entries)
	}
	if last == 0 {
		t.Fatal("the writer never wrote: the test proved nothing")
	}
}
