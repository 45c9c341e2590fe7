//go:build darwin

package userdirs

var (
	configEnv = env{Var: "HOME", Under: "Library/Application Support"}
	cacheEnv  = env{Var: "HOME", Under: "Library/Caches"}
	dataEnv   = env{Var: "XDG_DATA_HOME"}
	homeEnv   = env{Var: "HOME"}
)

func dataHome() (string, error) { return xdgDataHome() }
