package thumbnail

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/lambdas/imagemeta"
	"github.com/sfnkit/sfnkit/lambdas/objectstore"
	"github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
)

func TestEnvFromReadsTheSharedVariablesAndTheSizes(t *testing.T) {
	vars := map[string]string{contract.EnvImagesBucket: "images", contract.EnvMaxPixels: "1000", contract.EnvMaxBytes: "2000", contract.EnvThumbnailSizes: "64, 1024"}
	env, err := EnvFrom(func(name string) string { return vars[name] })
	if err != nil || env.ImagesBucket != "images" || env.Limits != (imagemeta.Limits{MaxPixels: 1000, MaxBytes: 2000}) || !slices.Equal(env.Sizes, []int{64, 1024}) {
		t.Errorf("EnvFrom = %+v, %v; want the bucket, the limits and sizes 64 and 1024", env, err)
	}
	vars[contract.EnvThumbnailSizes] = "64,x"
	delete(vars, contract.EnvMaxBytes)
	_, err = EnvFrom(func(name string) string { return vars[name] })
	for _, name := range []string{contract.EnvThumbnailSizes, contract.EnvMaxBytes} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("EnvFrom = %v; want an error naming %s", err, name)
		}
	}
}

func TestNewWritesThumbnailsToTheImagesBucket(t *testing.T) {
	stores := map[string]*objectstore.Memory{"images": {}}
	clients := Clients{S3: func(name string) objectstore.Bucket { return stores[name] }}
	env := Env{Env: imagemeta.Env{ImagesBucket: "images", Limits: imagemeta.DefaultLimits}, Sizes: []int{16}}
	m, err := New(env, clients)
	if err != nil {
		t.Fatal(err)
	}
	stores["images"].Put("uploads/u1/a.png", encode(t, "png", picture(40, 20)))
	res, err := m.Handle(context.Background(), upload("uploads/u1/a.png", "png", 40, 20))
	if err != nil || len(res.Thumbnails) != 1 {
		t.Fatalf("Handle = %+v, %v; want one thumbnail", res, err)
	}
	if _, ok := stores["images"].Get(res.Thumbnails[0].Key); !ok {
		t.Errorf("thumbnail %s is not in the images bucket", res.Thumbnails[0].Key)
	}
	for _, tt := range []struct {
		env     Env
		clients Clients
		want    string
	}{
		{Env{Env: env.Env}, clients, "Env.Sizes"},
		{Env{Sizes: env.Sizes}, clients, "Env.ImagesBucket"},
		{env, Clients{}, "Clients.S3"},
	} {
		if _, err := New(tt.env, tt.clients); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v; want an error naming %s", tt.env, err, tt.want)
		}
	}
}
