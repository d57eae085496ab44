import { projectCommandEnv } from '../../src/update/project-commands.js';

describe("the environment of the project's install and projen", () => {
  test("drops the caller's NODE_ENV: projen would render elsewhere under test, npm skip dev dependencies under production", () => {
    for (const mode of ['test', 'production']) {
      const env = projectCommandEnv({ NODE_ENV: mode, PATH: '/bin', CI: 'true' }, { CI: 'false' });
      expect(env).toEqual({ PATH: '/bin', CI: 'false' });
    }
  });

  test("keeps the rest of the caller's environment", () => {
    expect(projectCommandEnv({ PATH: '/bin', HOME: '/home/team' })).toEqual({ PATH: '/bin', HOME: '/home/team' });
  });
});
