//go:build windows

package stagestore

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on the first byte of f (LockFileEx),
// waiting for a second process to let go of it.
func lockFile(f *os.File) error {
	var ol windows.Overlapped
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol)
}

func unlockFile(f *os.File) error {
	var ol windows.Overlapped
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}

// replaceFile renames from over to with MoveFileEx, replacing the old file
// and returning only once the move is on disk (MOVEFILE_WRITE_THROUGH):
// Windows has no fsync of a directory. A file that another program holds
// open without FILE_SHARE_DELETE (a virus scanner, an indexer, an editor)
// cannot be replaced until it lets go: that refusal is retried for about a
// second before it is reported.
func replaceFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	for try := 0; ; try++ {
		err = windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if err == nil {
			return nil
		}
		if !heldOpen(err) {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
		}
		if try == replaceTries-1 {
			return &os.LinkError{Op: "rename", Old: from, New: to,
				Err: fmt.Errorf("%w (another program has %s open; close it and try again)", err, to)}
		}
		replaceWait(time.Duration(1<<try) * time.Millisecond)
	}
}

// replaceTries bounds the attempts of replaceFile: waits of 1, 2, 4 … 512
// ms between them, about a second in all.
const replaceTries = 11

// replaceWait waits between two attempts; replaced in tests.
var replaceWait = time.Sleep

// heldOpen is the refusal of a file another handle has open.
func heldOpen(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// dirSync is whether a directory can be fsynced to make a rename durable.
const dirSync = false

// fileNameEscapes are characters, beyond url.PathEscape's, that a Windows
// file name cannot hold (a ':' would name an alternate data stream).
const fileNameEscapes = `:*?"<>|\`
