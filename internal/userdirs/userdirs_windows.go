//go:build windows

package userdirs

import (
	"errors"
	"os"
)

var (
	configEnv = env{Var: "AppData"}
	cacheEnv  = env{Var: "LocalAppData"}
	dataEnv   = env{Var: "AppData"}
	homeEnv   = env{Var: "USERPROFILE"}
)

// dataHome is %AppData%, as os.UserConfigDir.
func dataHome() (string, error) {
	if d := os.Getenv("AppData"); d != "" {
		return d, nil
	}
	return "", errors.New("%AppData% is not defined")
}
