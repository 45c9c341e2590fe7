//go:build unix

package stagestore

import "testing"

// On POSIX systems a rename is made durable by an fsync of its directory.
func TestUnixSyncsTheDirectory(t *testing.T) {
	if !dirSync {
		t.Fatal("dirSync is off on a system that has fsync of a directory")
	}
}
