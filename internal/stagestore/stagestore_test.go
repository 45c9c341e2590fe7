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

	"github.com/manifold-dev/manifold/internal/userdirs"
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
	override := t.TempDir()
	t.Setenv(EnvDataDir, override)
	if d, _ := DefaultDir(); d != filepath.Join(override, "staged") {
		t.Fatalf("override: %s", d)
	}
	t.Setenv(EnvDataDir, "")
	data := userdirs.SetData(t, t.TempDir())
	if d, _ := DefaultDir(); d != filepath.Join(data, "manifold", "staged") {
		t.Fatalf("data dir %s: %s", data, d)
	}
}

// crashPoints are the moments a writer can die in; the crash test kills a
// writer at each.
var crashPoints = map[string]func(d *disk){
	// Half the new file is written, then the process dies.
	"mid-write": func(d *disk) {
		d.write = func(f *os.File, data []byte) (int, error) {
			_, _ = f.Write(data[:len(data)/2])
			f.Sync()
			os.Exit(3)
			return 0, nil // not reached
		}
	},
	// Everything is written and synced; the process dies before the rename.
	"before-rename": func(d *disk) {
		d.rename = func(string, string) error { os.Exit(3); return nil }
	},
	// The rename happened; the process dies before the directory is synced.
	"after-rename": func(d *disk) {
		d.rename = func(from, to string) error {
			if err := os.Rename(from, to); err != nil {
				return err
			}
			os.Exit(3)
			return nil
		}
	},
}

// TestCrashedWriterLosesNothing re-runs this test binary as a writer that
// adds one entry to a saved list and dies (exit, no deferred cleanup, as a
// SIGKILL) at a chosen point of the write. The list on disk must load with
// the old entries (before the rename) or the new ones (after it), never a
// part, and the store must stay usable.
func TestCrashedWriterLosesNothing(t *testing.T) {
	if point := os.Getenv("STAGESTORE_CRASH_AT"); point != "" {
		s, _ := OpenDir(os.Getenv("STAGESTORE_CRASH_DIR"))
		crashPoints[point](&s.disk)
		s.Update("n", func(l *model.StagedList) error { l.Add(entry(99)); return nil })
		os.Exit(0) // the crash point was never reached
	}
	for point, want := range map[string]int{"mid-write": 2, "before-rename": 2, "after-rename": 3} {
		t.Run(point, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := OpenDir(dir)
			if err := s.Save(&model.StagedList{Name: "n", Entries: []model.StagedEntry{entry(1), entry(2)}}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashedWriterLosesNothing$")
			cmd.Env = append(os.Environ(), "STAGESTORE_CRASH_DIR="+dir, "STAGESTORE_CRASH_AT="+point)
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 3 {
				t.Fatalf("the writer did not die at %s: %v", point, err)
			}
			l, err := s.Load("n")
			if err != nil {
				t.Fatalf("list unreadable after a crash %s: %v", point, err)
			}
			if len(l.Entries) != want {
				t.Fatalf("after a crash %s the list has %d entries, want %d", point, len(l.Entries), want)
			}
			sums, err := s.List()
			if err != nil || len(sums) != 1 || sums[0].Err != nil || sums[0].Entries != want {
				t.Fatalf("List after the crash: %+v, %v (a left-over temp file must not show)", sums, err)
			}
			// The dead writer's lock is gone: the next edit lands.
			if l, err := s.Update("n", func(l *model.StagedList) error { l.Add(entry(7)); return nil }); err != nil || len(l.Entries) != want+1 {
				t.Fatalf("edit after the crash: %v", err)
			}
		})
	}
}

// TestWritesAreSyncedAroundTheRename: a save fsyncs the new file before it
// is renamed over the old one (else a power cut can leave an empty file
// under the name) and the directory after (else the rename can be lost); a
// discard fsyncs the directory.
func TestWritesAreSyncedAroundTheRename(t *testing.T) {
	s, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	s.disk = disk{
		write: func(f *os.File, data []byte) (int, error) {
			events = append(events, "write "+kind(s, f.Name()))
			return f.Write(data)
		},
		sync: func(f *os.File) error {
			events = append(events, "sync "+kind(s, f.Name()))
			return f.Sync()
		},
		rename: func(from, to string) error {
			events = append(events, "rename "+kind(s, from)+" to "+kind(s, to))
			return os.Rename(from, to)
		},
	}
	if err := s.Save(&model.StagedList{Name: "n", Entries: []model.StagedEntry{entry(1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update("n", func(l *model.StagedList) error { l.Add(entry(2)); return nil }); err != nil {
		t.Fatal(err)
	}
	// Windows has no fsync of a directory: its rename writes through.
	save := "write temp,sync temp,rename temp to list"
	syncDir := ""
	if dirSync {
		save += ",sync dir"
		syncDir = "sync dir"
	}
	if got := strings.Join(events, ","); got != save+","+save {
		t.Fatalf("disk calls of a save and an update:\n%s\nwant each to be %s", got, save)
	}
	events = nil
	if err := s.Discard("n"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(events, ","); got != syncDir {
		t.Fatalf("disk calls of a discard: %q, want %q", got, syncDir)
	}
}

// kind names a path of the store for TestWritesAreSyncedAroundTheRename.
func kind(s *Store, path string) string {
	switch {
	case filepath.Clean(path) == filepath.Clean(s.dir):
		return "dir"
	case strings.HasPrefix(filepath.Base(path), ".tmp-"):
		return "temp"
	case path == s.path("n"):
		return "list"
	}
	return path
}
