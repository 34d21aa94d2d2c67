import { describe, expect, it } from 'vitest';
import { InvalidExpression, matches, parseQuery, project } from '../../../src/sandbox/aws-config-query.js';

const row = {
  resourceId: 'b1', resourceType: 'AWS::S3::Bucket', awsRegion: 'us-east-1',
  tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'data' }],
  configuration: { size: 200, encrypted: false, name: 'nw-exports' },
};

describe('sandbox/aws-config-query', () => {
  it.each([
    ["resourceType = 'AWS::S3::Bucket'", true],
    ["resourceType != 'AWS::S3::Bucket'", false],
    ["resourceType <> 'AWS::EC2::Volume'", true],
    ['configuration.size > 100', true],
    ['configuration.size <= 100', false],
    ['configuration.encrypted = false', true],
    ["tags.key = 'team'", true],
    ["tags.key = 'owner'", false],
    ["awsRegion IN ('us-east-1', 'eu-west-1')", true],
    ["awsRegion NOT IN ('us-east-1')", false],
    ["configuration.name LIKE 'nw-%'", true],
    ["configuration.name NOT LIKE '%exports'", false],
    ["resourceType = 'AWS::S3::Bucket' AND (configuration.size < 10 OR tags.value = 'prod')", true],
    ["NOT resourceType = 'AWS::S3::Bucket'", false],
  ])('WHERE %s → %s', (where, expected) => {
    const q = parseQuery(`SELECT resourceId WHERE ${where}`);
    expect(matches(q.where!, row)).toBe(expected);
  });

  it('projects selected paths, nested the way Config returns them', () => {
    const q = parseQuery('SELECT resourceId, configuration.size, configuration.missing, tags');
    expect(project(row, q.fields)).toEqual({ resourceId: 'b1', configuration: { size: 200 }, tags: row.tags });
  });

  it.each(['SELECT *', 'SELECT', "SELECT a WHERE b = 'x", 'SELECT a ORDER BY a', 'DELETE a', 'SELECT a WHERE b ~ 1'])('rejects %s', (sql) => {
    expect(() => parseQuery(sql)).toThrow(InvalidExpression);
  });
});
