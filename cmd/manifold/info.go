package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/internal/version"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
)

func init() { subcommands = append(subcommands, newInfoCmd) }

// infoPath is one path manifold uses.
type infoPath struct {
	What   string `json:"what"`
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	Note   string `json:"note,omitempty"`
}

// infoSetting is one effective setting and where it came from.
type infoSetting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

func newInfoCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print every path manifold uses and the effective settings, with where each came from",
		Long: `info prints the files and directories manifold reads and writes (the config
file, themes, staged lists, the content cache, the last registry browsed, the
docker config with your credentials) and every setting the config file can
hold, with its effective value and where that came from: a flag, the config
file (with the line), the environment, or the default.

The config file is $MANIFOLD_CONFIG, else config.yaml in manifold's user
config directory ($XDG_CONFIG_HOME/manifold on Linux). Flags override it, and
it overrides the defaults.`,
		Example: `  manifold info
  manifold --readonly info           # readonly: true, from flag --readonly
  MANIFOLD_CONFIG=./ci.yaml manifold info -o json | jq '.settings[] | select(.source != "default")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			paths := g.infoPaths()
			var sets []infoSetting
			for _, e := range g.effective() {
				sets = append(sets, infoSetting{Key: e[0], Value: e[1], Source: e[2]})
			}
			switch output {
			case "json":
				b, _ := json.MarshalIndent(map[string]any{"version": version.Get(), "paths": paths, "settings": sets}, "", "  ")
				_, err := fmt.Fprintln(g.stdout, string(b))
				return err
			case "", "text":
			default:
				return fmt.Errorf("unknown output %q: use text or json", output)
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, version.Get().String())
			fmt.Fprintln(w, "\nPATHS\t\t")
			for _, p := range paths {
				state := "missing"
				if p.Exists {
					state = "exists"
				}
				if p.Note != "" {
					state += ", " + p.Note
				}
				fmt.Fprintf(w, "%s\t%s\t(%s)\n", p.What, termsafe.String(p.Path), termsafe.String(state))
			}
			fmt.Fprintln(w, "\nSETTING\tVALUE\tFROM")
			for _, s := range sets {
				fmt.Fprintf(w, "%s\t%s\t%s\n", s.Key, termsafe.String(s.Value), s.Source)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

func (g *globals) infoPaths() []infoPath {
	exists := func(p string) bool {
		_, err := os.Stat(p)
		return p != "" && !errors.Is(err, fs.ErrNotExist)
	}
	mk := func(what, p, note string) infoPath {
		if p == "" {
			return infoPath{What: what, Path: "(none)", Note: note}
		}
		return infoPath{What: what, Path: p, Exists: exists(p), Note: note}
	}
	staged, err := stagestore.DefaultDir()
	stagedNote := ""
	if err != nil {
		stagedNote = err.Error()
	}
	last := ""
	if r := lastRegistry(); r != "" {
		last = "last: " + r
	}
	cfgNote := ""
	if os.Getenv("MANIFOLD_CONFIG") != "" {
		cfgNote = "from MANIFOLD_CONFIG"
	}
	return []infoPath{
		mk("config", g.settings.path, cfgNote),
		mk("themes", themes.UserDir(), "--theme NAME reads NAME.yaml here"),
		mk("staged lists", staged, stagedNote),
		mk("cache", defaultCacheDir(), "content by digest"),
		mk("last registry", statePath(), last),
		mk("docker config", registry.DockerConfigFile(), "credentials; $DOCKER_CONFIG overrides"),
	}
}
