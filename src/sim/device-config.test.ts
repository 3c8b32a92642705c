import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from './device-config.js';

const phone7940 = { model: '7940', deviceType: 8 };

describe('parseDeviceConfig', () => {
  it('reads XMLDefault.cnf.xml: call managers in priority order and the load for the device type', () => {
    const xml = `<?xml version="1.0"?><Default>
      <callManagerGroup><members>
        <member priority="1"><callManager><ports><ethernetPhonePort>2001</ethernetPhonePort><sipPort>5061</sipPort></ports><processNodeName>10.0.0.2</processNodeName></callManager></member>
        <member priority="0"><callManager><ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>5060</sipPort></ports><processNodeName>10.0.0.1</processNodeName></callManager></member>
      </members></callManagerGroup>
      <loadInformation7 model="Cisco 7960">P00308010200</loadInformation7>
      <loadInformation8 model="Cisco 7940">P0S3-8-12-00</loadInformation8>
    </Default>`;
    expect(parseDeviceConfig(xml, phone7940)).toEqual({
      kind: 'default',
      protocol: undefined,
      callManagers: [
        { host: '10.0.0.1', sccpPort: 2000, sipPort: 5060, priority: 0 },
        { host: '10.0.0.2', sccpPort: 2001, sipPort: 5061, priority: 1 },
      ],
      loadId: 'P0S3-8-12-00',
      sipLines: [],
    });
  });

  it('finds the load by the model attribute when the number differs, and treats an empty one as none', () => {
    const byName = `<Default><loadInformation999 model="IP Phone 7940">P00308010200</loadInformation999></Default>`;
    expect(parseDeviceConfig(byName, phone7940).loadId).toBe('P00308010200');
    const empty = `<Default><loadInformation8 model="Cisco 7940"></loadInformation8></Default>`;
    expect(parseDeviceConfig(empty, phone7940).loadId).toBeUndefined();
  });

  it('reads a SEP<MAC>.cnf.xml with one member, the protocol and the SIP lines', () => {
    const xml = `<device><deviceProtocol>SIP</deviceProtocol><devicePool><callManagerGroup><members>
      <member priority="0"><callManager><ports><ethernetPhonePort>2000</ethernetPhonePort><sipPort>5080</sipPort></ports><processNodeName>cm1.example</processNodeName></callManager></member>
      </members></callManagerGroup></devicePool>
      <loadInformation>SIP41.9-4-2SR1-1S</loadInformation>
      <sipProfile><sipLines>
        <line button="1"><featureID>9</featureID><name>4000</name><displayName>Front</displayName><proxy>USECALLMANAGER</proxy><port>5080</port><authName>u4000</authName><authPassword>pw</authPassword></line>
        <line button="2"><featureID>21</featureID><featureLabel>Speed</featureLabel></line>
      </sipLines></sipProfile></device>`;
    const config = parseDeviceConfig(xml, { model: '7941', deviceType: 115 });
    expect(config).toMatchObject({
      kind: 'device',
      protocol: 'SIP',
      loadId: 'SIP41.9-4-2SR1-1S',
      callManagers: [{ host: 'cm1.example', sccpPort: 2000, sipPort: 5080 }],
      sipLines: [
        {
          button: 1,
          name: '4000',
          displayName: 'Front',
          authName: 'u4000',
          authPassword: 'pw',
          proxy: 'USECALLMANAGER',
          port: 5080,
        },
      ],
    });
  });

  it('refuses what is not a phone configuration, with the reason', () => {
    expect(() => parseDeviceConfig('<html></html>', phone7940)).toThrow(/neither <device> nor <Default>/);
    expect(() => parseDeviceConfig('<device><a></device>', phone7940)).toThrow(/not well-formed/);
  });
});
