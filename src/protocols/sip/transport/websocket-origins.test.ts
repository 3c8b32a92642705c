import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config.js';
import { WebSocketOrigins, normalizeOrigin, parseOriginList } from './websocket-origins.js';

describe('the setting', () => {
  it('reads origins as RFC 6454 serialises them, and refuses what is not an origin', () => {
    expect(
      parseOriginList(' https://SoftPhone.example.com , http://10.0.0.9:3000,http://a.example:80'),
    ).toEqual(['https://softphone.example.com', 'http://10.0.0.9:3000', 'http://a.example']);
    expect(parseOriginList(['*'])).toEqual(['*']);
    expect(parseOriginList('')).toEqual([]);
    for (const bad of [
      'https://a.example/app',
      'softphone.example.com',
      'ftp://a.example',
      'null',
      'https://u:p@a',
    ])
      expect(normalizeOrigin(bad), bad).toBeNull();
  });

  it('names the flag and the variable of a bad value', () => {
    expect(() => loadConfig({ flags: { sipWebSocketOrigins: 'https://a.example/app' } })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ env: { OPENUCM_SIP_WEB_SOCKET_ORIGINS: 'https://a.example/app' } })).toThrow(
      /--sip-web-socket-origins \/ OPENUCM_SIP_WEB_SOCKET_ORIGINS: "https:\/\/a.example\/app" is not an origin/,
    );
    expect(loadConfig({}).sipWebSocketOrigins).toEqual([]);
  });
});

describe('who may open /sip', () => {
  const local = { address: '192.0.2.10', port: 8080 };

  it("allows the node's own origins at its HTTP port, clients without Origin, and the configured ones", () => {
    const origins = new WebSocketOrigins(['https://softphone.example.com']);
    expect(origins.allows(undefined, local)).toBe(true);
    expect(origins.allows('http://192.0.2.10:8080', local)).toBe(true);
    expect(origins.allows('http://localhost:8080', local)).toBe(true);
    expect(origins.allows(`http://${os.hostname()}:8080`, local)).toBe(true);
    expect(origins.allows('https://softphone.example.com', local)).toBe(true);
    expect(origins.allows('https://softphone.example.com:443', local)).toBe(true);
  });

  it('refuses other sites, other ports of the node, and opaque origins', () => {
    const origins = new WebSocketOrigins(['https://softphone.example.com']);
    expect(origins.allows('https://evil.example', local)).toBe(false);
    expect(origins.allows('http://192.0.2.10:8081', local)).toBe(false);
    expect(origins.allows('http://192.0.2.10', local)).toBe(false);
    expect(origins.allows('http://softphone.example.com', local)).toBe(false);
    expect(origins.allows('null', local)).toBe(false);
    expect(new WebSocketOrigins(['*']).allows('https://evil.example', local)).toBe(true);
  });
});
