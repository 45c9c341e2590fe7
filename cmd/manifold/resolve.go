package main

import (
	"fmt"

	"github.com/containerd/platforms"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

func init() { subcommands = append(subcommands, newResolveCmd) }

// resolveJSON is the JSON of `manifold resolve -o json`.
type resolveJSON struct {
	Reference string `json:"reference"` // repository@digest
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	Platform  string `json:"platform"` // the chosen entry's platform
	Host      string `json:"host"`     // the host platform asked for
}

func newResolveCmd(g *globals) *cobra.Command {
	var (
		platform string
		output   string
	)
	cmd := &cobra.Command{
		Use:   "resolve REF",
		Short: "Print the entry a host platform pulls from a reference",
		Long: `resolve answers which entry of a manifest list a host pulls, with
containerd's rules (github.com/containerd/platforms): an arm/v8 host takes
arm/v7, then v6, then v5; an amd64/v3 host takes v3, v2, amd64, then 386; a
Windows host takes a compatible os.version. Attestations are never chosen.

The host is given in containerd syntax (linux/arm/v7,
windows(10.0.20348)/amd64) or docker/mquery syntax (windows/amd64:10.0.20348);
without --platform it is this machine's platform.

The default output is one line, repository@digest, ready for docker pull.
-o json prints reference, digest, mediaType, platform (of the chosen entry)
and host. When no entry fits, resolve exits 1 and lists the platforms there
are.`,
		Example: `  manifold resolve localhost:5000/app:v1 --platform linux/arm/v8
  manifold resolve localhost:5000/app:v1 --platform windows/amd64:10.0.26100 -o json
  docker pull "$(manifold resolve localhost:5000/app:v1 --platform linux/arm64)"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := parseFormat(output, formatText, formatJSON)
			if err != nil {
				return err
			}
			if platform == "" {
				platform = platforms.DefaultString()
			}
			host, err := model.ParsePlatform(platform)
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			t, err := fetchForPlatforms(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			r, err := model.Resolve(t, host)
			if err != nil {
				return err
			}
			if r.Digest == "" {
				return model.NoMatchError(t, host)
			}
			if format == formatJSON {
				return writeJSON(g.stdout, resolveJSON{
					Reference: r.Reference, Digest: r.Digest, MediaType: r.MediaType,
					Platform: r.Platform.String(), Host: host.String(),
				})
			}
			_, err = fmt.Fprintln(g.stdout, termsafe.String(r.Reference))
			return err
		},
	}
	cmd.Flags().StringVarP(&platform, "platform", "p", "", "host platform, e.g. linux/arm/v7 or windows/amd64:10.0.20348 (default: this machine's)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
