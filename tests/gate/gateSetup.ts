import { parseGateConfig, type GateConfig } from '../../gate/config.js';

/**
 * RoamSign's limits on anonymous refusals per source (issue 17), raised for tests that send many
 * refused posts from 127.0.0.1 and read each one's audit row (tests/server/clients/oauth.test.ts
 * and approvalsTally.test.ts test the limits themselves).
 */
export const MANY_REFUSALS = { ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: '100000', ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE: '100000' };

/**
 * The gate's rules for the test back end (tests/gate/legacyBackend.ts): the STH form (officer from
 * the legacy session), the claim (multipart, officer in a posted field, token officers with a
 * token signature field pass) and the order (JSON posted by the page's script).
 */
export function testGateConfig(options: { upstream: string; roamsign: string; injectWidget?: boolean; port?: number }): GateConfig {
  return parseGateConfig({
    listen: { host: '127.0.0.1', port: options.port ?? 0 },
    upstream: options.upstream,
    roamsign: { url: options.roamsign, timeoutMs: 3000 },
    injectWidget: options.injectWidget ?? false,
    log: 'silent',
    systems: [
      {
        id: 'igfmas',
        client: { id: 'demo-igfmas', secret: 'sandbox' },
        rules: [
          {
            id: 'sth-lulus',
            path: '/sth/:docNo/approve',
            body: 'form',
            bind: { path: { docNo: 'noDokumen' } },
            document: { noDokumen: 'noDokumen', tarikh: 'tarikh', vendor: 'vendor', amaun: 'amaun', keterangan: 'keterangan' },
            officer: { session: { path: '/whoami', property: 'user.nric' } },
            marker: { field: 'tindakan', values: ['lulus'] },
            freshnessSeconds: 600,
          },
          {
            // Everything under the prefix, any method: the back end acts on PUT, PATCH, DELETE and GET with ?tindakan= too.
            id: 'docs-any',
            method: 'ANY',
            path: '/api/docs/:docNo/*',
            body: 'form',
            bind: { path: { docNo: 'noDokumen' } },
            document: { noDokumen: 'noDokumen', tarikh: 'tarikh', vendor: 'vendor', amaun: 'amaun', keterangan: 'keterangan' },
            officer: { session: { path: '/whoami', property: 'user.nric' } },
            marker: { field: 'tindakan', values: ['lulus'] },
          },
          {
            id: 'tuntutan-lulus',
            path: '/claims/:no/approve',
            body: 'multipart',
            document: { noTuntutan: 'noTuntutan', pemohon: 'pemohon', amaun: 'amaun' },
            officer: { field: 'pegawai' },
            marker: { always: true },
            tokenOfficers: { policy: 'require_field', field: 'tandatanganToken' },
            maxBodyBytes: 1024 * 1024,
          },
          {
            id: 'pesanan-lulus',
            path: '/api/orders/:no/approve',
            body: 'json',
            document: { noPesanan: 'noPesanan', pembekal: 'pembekal', jumlah: 'jumlah' },
            officer: { session: { path: '/whoami', property: 'user.nric' } },
            marker: { field: 'tindakan', values: ['lulus'] },
          },
        ],
        widget: {
          attributes: { 'data-officer': '#idPengguna' },
          pages: [
            {
              path: '/sth/:docNo',
              attributes: {
                'data-buttons': '#btnLulus',
                'data-fields': JSON.stringify({ noDokumen: '#noDokumen', tarikh: '#tarikh', vendor: '#vendor', amaun: '#amaun', keterangan: '#keterangan' }),
                'data-id-field': 'noDokumen',
              },
            },
            {
              path: '/claims/:no',
              attributes: {
                'data-buttons': '#btnLulusTuntutan',
                'data-fields': JSON.stringify({ noTuntutan: '#noTuntutan', pemohon: '#pemohon', amaun: '#amaunTuntutan' }),
                'data-id-field': 'noTuntutan',
              },
            },
            {
              path: '/orders/:no',
              attributes: {
                'data-buttons': '#btnLulusPesanan',
                'data-fields': JSON.stringify({ noPesanan: '#noPesanan', pembekal: '#pembekal', jumlah: '#jumlah' }),
                'data-id-field': 'noPesanan',
              },
            },
          ],
        },
      },
    ],
  });
}
