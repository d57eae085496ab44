import type { NatGatewayMode, StackConfig } from './stack-config.js';

/** The kinds of stage a stack can be deployed as. */
export type StageProfile = 'development' | 'production';

/** Settings that differ between a development and a production stage. */
export interface ProfileSettings {
  /**
   * An AWS WAF web ACL (managed rule groups and a per-client rate rule, logs kept) in front of the
   * app. Always on in production; in development it costs ~$10/month and may be turned on here.
   */
  readonly webApplicationFirewall: boolean;
  /**
   * NAT gateways, made only when `internetEgress` is on (nothing else needs them: the tasks reach AWS
   * through VPC endpoints). Production keeps the configured mode; development saves with one.
   */
  readonly natGateways: NatGatewayMode;
}

/** The profile every stack is built with until stages choose one per environment. */
export const DEFAULT_PROFILE: StageProfile = 'production';

/** The settings of `profile`: the one place they are chosen. */
export function profileSettings(profile: StageProfile, config: StackConfig): ProfileSettings {
  switch (profile) {
    case 'production':
      return { webApplicationFirewall: true, natGateways: config.natGateways };
    case 'development':
      return { webApplicationFirewall: false, natGateways: 'single' };
  }
}
