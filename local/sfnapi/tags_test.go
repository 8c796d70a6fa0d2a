package sfnapi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func tags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func listTags(t *testing.T, c *sfn.Client, arn string) string {
	t.Helper()
	out, err := c.ListTagsForResource(context.Background(), &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var kv []string
	for _, tag := range out.Tags {
		kv = append(kv, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	return strings.Join(kv, ",")
}

func TestTags(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := create(t, c, "Tagged", doubler, "")
	if got := listTags(t, c, arn); got != "" {
		t.Errorf("a new machine has tags %s", got)
	}
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags("team", "payments", "env", "dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags("env", "prod")}); err != nil {
		t.Fatal(err)
	}
	if got := listTags(t, c, arn); got != "env=prod,team=payments" {
		t.Errorf("tags after two TagResource: %s", got)
	}
	if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got := listTags(t, c, arn); got != "env=prod" {
		t.Errorf("tags after UntagResource: %s", got)
	}

	var many []string
	for i := range 50 {
		many = append(many, fmt.Sprint("k", i), "v")
	}
	for _, bad := range []struct {
		call func() error
		want string
	}{
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags(many...)})
			return err
		}, "TooManyTags"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags(strings.Repeat("k", 129), "v")})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags("k", strings.Repeat("v", 257))})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags("aws:owner", "me")})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags("bad!", "v")})
			return err
		}, "ValidationException"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn + "Gone"), Tags: tags("k", "v")})
			return err
		}, "ResourceNotFound"},
		{func() error {
			_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String("nonsense"), Tags: tags("k", "v")})
			return err
		}, "InvalidArn"},
		{func() error {
			_, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn + ":1"), TagKeys: []string{"k"}})
			return err
		}, "InvalidArn"},
		{func() error {
			_, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:Tagged:x")})
			return err
		}, "InvalidArn"},
	} {
		if err := bad.call(); code(err) != bad.want {
			t.Errorf("%v; want %s", err, bad.want)
		}
	}
	if got := listTags(t, c, arn); got != "env=prod" {
		t.Errorf("refused requests changed the tags: %s", got)
	}

	// A deleted and re-created machine starts without tags.
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	create(t, c, "Tagged", doubler, "")
	if got := listTags(t, c, arn); got != "" {
		t.Errorf("a re-created machine has tags %s", got)
	}

	// Tags given at creation, and refused ones.
	in := &sfn.CreateStateMachineInput{Name: aws.String("BornTagged"), Definition: aws.String(doubler), RoleArn: aws.String(role), Tags: tags("team", "ops")}
	born, err := c.CreateStateMachine(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := listTags(t, c, aws.ToString(born.StateMachineArn)); got != "team=ops" {
		t.Errorf("tags given at creation: %s", got)
	}
	in.Name, in.Tags = aws.String("BadTags"), tags("aws:x", "y")
	if _, err := c.CreateStateMachine(ctx, in); code(err) != "ValidationException" {
		t.Errorf("creating with a reserved tag key: %v", err)
	}
}
