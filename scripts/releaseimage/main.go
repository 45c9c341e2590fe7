// Command releaseimage pushes one single-platform image for each release
// binary (make release-image), and prints their references one a line for
// `manifold create` to assemble into the release's index.
//
//	releaseimage -repo 127.0.0.1:5000/manifold -tag v1.2.3 dist/manifold-v1.2.3-linux-amd64 …
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/manifold-dev/manifold/internal/releaseimage"
)

func main() {
	repo := flag.String("repo", "", "repository to push to, e.g. 127.0.0.1:5000/manifold")
	tag := flag.String("tag", "", "release version; images are tagged TAG-OS-ARCH[-VARIANT]")
	flag.Parse()
	if *repo == "" || *tag == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: releaseimage -repo HOST/REPO -tag VERSION BINARY...")
		os.Exit(2)
	}
	var bins []releaseimage.Binary
	for _, p := range flag.Args() {
		pl, err := releaseimage.ParseName(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "releaseimage:", err)
			os.Exit(1)
		}
		bins = append(bins, releaseimage.Binary{Path: p, Platform: pl})
	}
	refs, err := releaseimage.Push(context.Background(), *repo, *tag, bins, time.Now().UTC().Truncate(time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "releaseimage:", err)
		os.Exit(1)
	}
	for _, r := range refs {
		fmt.Println(r)
	}
}
