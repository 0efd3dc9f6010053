import { describe, expect, it } from 'vitest';
import { closePort, openedPorts, openPort } from '../../../../../lib/juju/hooktools/port.js';
import { FakeRunner } from '../fake-runner.js';

describe('port hook tools', () => {
  it('opened-ports reads JSON', async () => {
    const fake = new FakeRunner().json(['opened-ports', '--format=json'], ['2379/tcp', 'icmp']);
    expect(await openedPorts(fake)).toEqual(['2379/tcp', 'icmp']);
  });

  it('open-port and close-port take the port with no --format', async () => {
    const fake = new FakeRunner().on(['open-port', '2379/tcp']).on(['close-port', '1000-2000/udp']);
    await openPort(fake, '2379/tcp');
    await closePort(fake, '1000-2000/udp');
    expect(fake.argvs).toEqual([
      ['open-port', '2379/tcp'],
      ['close-port', '1000-2000/udp'],
    ]);
  });

  it('refuses a malformed port before running anything', async () => {
    const fake = new FakeRunner();
    await expect(openPort(fake, '2379/sctp')).rejects.toThrow('invalid port "2379/sctp"');
    expect(fake.calls).toEqual([]);
  });
});
