//go:build !windows

package userdirs

import (
	"fmt"
	"os"
	"path/filepath"
)

// xdgDataHome is $XDG_DATA_HOME when it is absolute (the spec says to
// ignore a relative one), else ~/.local/share.
func xdgDataHome() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d, nil
	}
	h, err := home()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, ".local", "share"), nil
}

func home() (string, error) {
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home directory: %w", err)
	}
	return h, nil
}
