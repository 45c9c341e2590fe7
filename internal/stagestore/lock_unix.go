//go:build unix

package stagestore

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive advisory lock on f (flock), waiting for a
// second process to let go of it.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// replaceFile renames from over to; rename(2) is atomic on POSIX.
func replaceFile(from, to string) error { return os.Rename(from, to) }

// dirSync is whether a directory can be fsynced to make a rename durable.
const dirSync = true

// fileNameEscapes are characters, beyond url.PathEscape's, that a file
// name on this system cannot hold.
const fileNameEscapes = ""
