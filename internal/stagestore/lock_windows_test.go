//go:build windows

package stagestore

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"github.com/manifold-dev/manifold/model"
)

// holdLockEnv makes this test binary a second process that takes the
// store's lock, says "locked", and holds it until its stdin closes.
const holdLockEnv = "STAGESTORE_HOLD_LOCK"

func init() {
	dir := os.Getenv(holdLockEnv)
	if dir == "" {
		return
	}
	s, err := OpenDir(dir)
	if err != nil {
		os.Exit(2)
	}
	unlock, err := s.lock()
	if err != nil {
		os.Stdout.WriteString("lock: " + err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("locked\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	unlock()
	os.Exit(0)
}

// startHolder starts the second process and returns once it holds the lock.
func startHolder(t *testing.T, dir string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		cmd.Process.Kill()
		t.Fatalf("the second process did not take the lock: %q %v", line, err)
	}
	return cmd, stdin
}

// tryLock takes the lock without waiting: ERROR_LOCK_VIOLATION while
// another process holds it.
func tryLock(t *testing.T, dir string) error {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ol windows.Overlapped
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if err == nil {
		_ = unlockFile(f)
	}
	return err
}

// LockFileEx keeps a second process out while the first holds the store,
// and lets it in once the first unlocks, or dies holding it.
func TestLockFileExKeepsASecondProcessOut(t *testing.T) {
	for _, end := range []string{"unlock", "killed"} {
		t.Run(end, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := OpenDir(dir); err != nil {
				t.Fatal(err)
			}
			cmd, stdin := startHolder(t, dir)
			if err := tryLock(t, dir); !errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
				cmd.Process.Kill()
				t.Fatalf("lock while another process holds it: %v, want ERROR_LOCK_VIOLATION", err)
			}
			// A waiting locker (the store's own lock) gets in once the
			// holder lets go.
			got := make(chan error, 1)
			go func() {
				s, _ := OpenDir(dir)
				got <- s.Save(&model.StagedList{Name: "n"})
			}()
			if end == "unlock" {
				stdin.Close()
			} else if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if err := <-got; err != nil {
				t.Fatalf("save after the holder was %s: %v", end, err)
			}
			if err := tryLock(t, dir); err != nil {
				t.Fatalf("lock after the holder was %s: %v", end, err)
			}
		})
	}
}

// A list is replaced while another program reads it. NTFS (and Wine)
// refuse to rename over a file with an open handle, even one shared for
// delete, so the save waits for the reader to let go; meanwhile the reader
// reads the old list whole. A reader that never lets go gets a clear
// error, and the list is left as it was.
func TestReplaceOverAnOpenFile(t *testing.T) {
	write := func(t *testing.T, s *Store, entries int) error {
		t.Helper()
		l := &model.StagedList{Name: "n"}
		for i := 0; i < entries; i++ {
			l.Add(entry(i))
		}
		return s.Save(l)
	}
	open := func(t *testing.T, path string, share uint32) windows.Handle {
		t.Helper()
		p, _ := windows.UTF16PtrFromString(path)
		h, err := windows.CreateFile(p, windows.GENERIC_READ, share, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	// readsOld: the handle reads the one-entry list, whole.
	readsOld := func(t *testing.T, h windows.Handle) {
		t.Helper()
		buf := make([]byte, 1<<16)
		var n uint32
		err := windows.ReadFile(h, buf, &n, nil)
		if _, derr := decode("n", buf[:n]); err != nil || derr != nil || !strings.Contains(string(buf[:n]), entry(0).Digest) || strings.Contains(string(buf[:n]), entry(1).Digest) {
			t.Errorf("the reader's handle reads %q (%v, %v): want the old list, whole", buf[:n], err, derr)
		}
	}
	entries := func(t *testing.T, s *Store) int {
		t.Helper()
		l, err := s.Load("n")
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Entries)
	}
	t.Cleanup(func() { replaceWait = time.Sleep })

	shares := map[string]uint32{
		"os.Open's share mode": windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE,
		"shared for delete":    windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE,
	}
	for what, share := range shares {
		t.Run(what, func(t *testing.T) {
			s, _ := OpenDir(t.TempDir())
			if err := write(t, s, 1); err != nil {
				t.Fatal(err)
			}
			h := open(t, s.Path("n"), share)
			closed := false
			waits := 0
			replaceWait = func(time.Duration) {
				if waits++; waits == 3 {
					readsOld(t, h)
					windows.CloseHandle(h)
					closed = true
				}
			}
			if err := write(t, s, 2); err != nil {
				t.Fatalf("save while a reader had the list open (%s): %v", what, err)
			}
			if !closed { // the system let the rename pass the open handle
				readsOld(t, h)
				windows.CloseHandle(h)
			} else if waits != 3 {
				t.Fatalf("%d waits: the rename was not retried once the reader closed", waits)
			}
			if n := entries(t, s); n != 2 {
				t.Fatalf("after the save the list has %d entries, want 2", n)
			}
		})
	}
	t.Run("never let go", func(t *testing.T) {
		s, _ := OpenDir(t.TempDir())
		if err := write(t, s, 1); err != nil {
			t.Fatal(err)
		}
		h := open(t, s.Path("n"), windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE)
		defer windows.CloseHandle(h)
		waits := 0
		replaceWait = func(time.Duration) { waits++ }
		err := write(t, s, 2)
		if err == nil || !strings.Contains(err.Error(), "another program has") || !strings.Contains(err.Error(), s.Path("n")) {
			t.Fatalf("replace under a reader that never closes: %v", err)
		}
		if waits != replaceTries-1 {
			t.Fatalf("%d waits, want %d", waits, replaceTries-1)
		}
		windows.CloseHandle(h)
		if n := entries(t, s); n != 1 {
			t.Fatalf("the refused save changed the list: %d entries", n)
		}
		// No temp file is left behind.
		if left, _ := filepath.Glob(filepath.Join(s.Dir(), ".tmp-*")); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}

// A list name holding characters a Windows file name cannot hold (':' would
// name an alternate data stream) is saved, listed and loaded back.
func TestWindowsFileNames(t *testing.T) {
	s, _ := OpenDir(t.TempDir())
	name := `localhost:5000/app:v1*?"<>|\`
	if err := s.Save(&model.StagedList{Name: name, Entries: []model.StagedEntry{entry(1)}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(filepath.Base(s.Path(name)), `:*?"<>|\`) {
		t.Fatalf("file name %q holds a reserved character", s.Path(name))
	}
	ls, err := s.List()
	if err != nil || len(ls) != 1 || ls[0].Name != name || ls[0].Err != nil {
		t.Fatalf("List: %+v %v", ls, err)
	}
	if l, err := s.Load(name); err != nil || len(l.Entries) != 1 {
		t.Fatalf("Load: %v", err)
	}
}
