package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/version"
)

func init() { subcommands = append(subcommands, newVersionCmd) }

func newVersionCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print manifold's version, commit and Go version",
		Long: `version prints the version and commit the release was built from (set by
make build and make release; a go install records the module version and a
checkout build the VCS revision) and the Go version that compiled it.
Requests to registries carry the same version in their User-Agent.`,
		Example: `  manifold version
  manifold --version
  manifold version -o json | jq -r .commit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := version.Get()
			switch output {
			case "", "text":
				_, err := fmt.Fprintln(g.stdout, info.String())
				return err
			case "json":
				b, _ := json.MarshalIndent(info, "", "  ")
				_, err := fmt.Fprintln(g.stdout, string(b))
				return err
			}
			return fmt.Errorf("unknown output %q: use text or json", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}
