//go:build !windows && !darwin

package userdirs

var (
	configEnv = env{Var: "XDG_CONFIG_HOME"}
	cacheEnv  = env{Var: "XDG_CACHE_HOME"}
	dataEnv   = env{Var: "XDG_DATA_HOME"}
	homeEnv   = env{Var: "HOME"}
)

func dataHome() (string, error) { return xdgDataHome() }
