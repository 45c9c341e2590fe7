//go:build !unix && !windows

package stagestore

import (
	"errors"
	"os"
)

// On systems with neither flock nor LockFileEx (plan9, js, wasip1) a
// second process is not kept out: say so rather than pretend.
func lockFile(*os.File) error {
	return errors.New("file locking is not supported on this system")
}

func unlockFile(*os.File) error { return nil }

func replaceFile(from, to string) error { return os.Rename(from, to) }

// dirSync is whether a directory can be fsynced to make a rename durable.
const dirSync = false

const fileNameEscapes = ""
